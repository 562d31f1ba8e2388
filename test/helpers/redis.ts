import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

/** A real redis-server for the test, on a free port in a temp dir, with its data kept across restarts. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung server, not a dead one). */
  pause(): void;
  /** SIGCONT: it answers again, the commands sent meanwhile included. */
  resume(): void;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts redis-server (installed by .ci/run with apt). Fails the test if it is missing: no skipping.
 *
 * @param options.port - a port of the test's choosing (an app already told to use it); default a free one.
 */
export async function startTestRedis(options: { port?: number } = {}): Promise<TestRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'));
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;

  async function start() {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      {
        stdio: 'ignore',
      },
    );
    child = c;
    // Not found, or gone before it answered (its port taken): no point waiting.
    const exited = new Promise<never>((_, reject) => {
      c.once('error', reject);
      c.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (code ${code}) before it answered`)));
    });
    exited.catch(() => undefined);
    for (let i = 0; i < 100; i += 1) {
      if (await Promise.race([ping(port), exited])) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start');
  }

  async function stop() {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      // A paused server acts on SIGTERM only once it runs again.
      c.kill('SIGCONT');
      c.kill('SIGTERM');
    });
  }

  try {
    await start();
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    destroy: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
