import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EmulatorExitedError, EmulatorNotReadyError, PortInUseError } from './errors';

/** An emulator process (cognito-local with the test kit's fidelity layer) started by {@link startEmulator}. */
export interface RunningEmulator {
  /** Base URL: SDK endpoint, OAuth endpoints at its root, and the issuer prefix. */
  url: string;
  /** Working directory; cognito-local keeps its data in `<dir>/.cognito/db`. */
  dir: string;
  /** File that receives the emulator's console output, including the codes it would have e-mailed. */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Listens on `host:port` for a moment and lets go, to find out whether a server could listen there.
 *
 * @throws {@link PortInUseError} when another process holds the port; any other listen error as is.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, err.message) : err);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Options for {@link startEmulator}. */
export interface StartEmulatorOptions {
  dir: string;
  port: number;
  /** Address to bind; the issuer and every URL use it too, so browser and server agree. */
  host?: string;
  readyTimeoutMs?: number;
  /**
   * Serve the test controls (`POST /_emulator/clock`, loopback only), which move the emulator's clock.
   * Default true; an app's development emulator can turn them off.
   */
  testControls?: boolean;
}

/**
 * The emulator's entry script (main.ts beside this module), which this module must not import: it is
 * started by path, as a separate program. From the TypeScript sources (tests, `npm run dev`) it runs
 * through tsx, as its caller does.
 */
function emulatorEntry(): { args: string[] } {
  const ext = path.extname(__filename);
  const script = path.join(__dirname, `main${ext}`);
  // From the sources (this repository's tests): tsx's require hook, which loads CommonJS in this thread
  // (its ESM loader would start a second thread in every emulator process).
  return ext === '.ts' ? { args: ['--require', require.resolve('tsx/cjs'), script] } : { args: [script] };
}

/**
 * Starts the emulator as a child process working in `dir`, and waits until it says it listens: cognito-local (the
 * npm package, a dev dependency) with the test kit's fidelity layer in front (src/testing/emulator/, and
 * docs/emulator.md for what it adds). It runs in its own process because cognito-local keeps its data
 * relative to its working directory, and it ends when this process does, however this one ends. Its
 * console output goes to a file, never to the app's log: it prints confirmation codes.
 *
 * @throws {@link PortInUseError} before spawning anything, when another process holds the port, or when
 *   another process took it before the emulator could listen; {@link EmulatorExitedError} when its
 *   process ends before it answers; {@link EmulatorNotReadyError} when it does not answer in time. Both
 *   name the log file.
 */
export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host}:${options.port}`;
  await assertPortFree(host, options.port);
  fs.mkdirSync(path.join(options.dir, '.cognito'), { recursive: true });
  const logFile = path.join(options.dir, 'cognito-local.log');
  const log = fs.openSync(logFile, 'a');
  const entry = emulatorEntry();
  const controls = options.testControls === false ? [] : ['--test-controls'];
  const child = spawn(process.execPath, [...entry.args, ...controls], {
    cwd: options.dir,
    env: { PATH: process.env.PATH, PORT: String(options.port), HOST: host },
    // The IPC channel is how the emulator notices this process is gone (it exits on 'disconnect').
    stdio: ['ignore', log, log, 'ipc'],
  });
  child.channel?.unref();
  fs.closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  child.once('exit', () => process.removeListener('exit', killOnExit));

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    await readyMessage(child, timeoutMs, { url, host, port: options.port, logFile });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { url, dir: options.dir, logFile, stop: () => stopChild(child) };
}

/** What the emulator's process (main.ts) tells its parent over the IPC channel. */
export type EmulatorMessage = { type: 'listening' } | { type: 'port-in-use'; detail: string };

/**
 * Waits for the child's own word that it listens, rather than polling the port: when another process
 * takes the port between {@link assertPortFree} and the child's listen, what answers there is not this
 * emulator, and the child says `port-in-use` and exits.
 */
function readyMessage(child: ChildProcess, timeoutMs: number, where: { url: string; host: string; port: number; logFile: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inUse: string | undefined;
    const timer = setTimeout(() => settle(new EmulatorNotReadyError(where.url, timeoutMs, { logFile: where.logFile })), timeoutMs);
    const onMessage = (message: EmulatorMessage) => {
      if (message.type === 'listening') settle();
      else inUse = message.detail;
    };
    const onExit = (code: number | null) =>
      settle(inUse === undefined ? new EmulatorExitedError(code, where.logFile) : new PortInUseError(where.host, where.port, inUse));
    function settle(err?: Error) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Waits until cognito-local at `url` answers its health check: for an emulator this process did not start
 * (docker-compose may start the app first).
 *
 * @param options.gaveUp - returns a reason to stop waiting early (e.g. the process exited).
 * @throws {@link EmulatorNotReadyError} when the time is up, or `gaveUp` gave a reason (its message).
 */
export async function waitForEmulator(url: string, options: { timeoutMs: number; gaveUp?: () => string | undefined }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reason = options.gaveUp?.();
    if (reason) throw new EmulatorNotReadyError(url, options.timeoutMs, { reason });
    if (await isHealthy(url)) return;
    if (Date.now() > deadline) throw new EmulatorNotReadyError(url, options.timeoutMs);
    await delay(100);
  }
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
