import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../helpers/ports';
import { readRedisCpuMicros } from './redis-cpu';

/** A redis-server of the bench's own. */
export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free port in a temp directory with redis's default durability (no fsync per
 * write, unlike the test suite's `appendfsync always`, which would make every session touch wait for the
 * disk).
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => undefined);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    const up = await Promise.race([
      readRedisCpuMicros(url).then(
        () => true,
        () => false,
      ),
      failed,
    ]);
    if (up) break;
    if (i > 100) throw new Error('redis-server did not start');
    await delay(50);
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
