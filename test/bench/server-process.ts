import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildRequest, WindowFigures } from './server-child';
import type { TargetSpec } from './targets/types';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A target running in its own process, driven over IPC. */
export interface TargetProcess {
  url: string;
  pid: number;
  startWindow(): Promise<void>;
  stopWindow(): Promise<WindowFigures>;
  /** The stored session for a session id (the parent copies the package's session into the express-session-only target). */
  readSession(sid: string): Promise<unknown>;
  /** The most store writes one session took within any `spanMs` of the measured windows (null: no store). */
  busiestSession(spanMs: number): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Forks server-child.ts with a production environment (NODE_ENV=production: Express's view cache
 * on) and its stdout, where the reference app logs, and stderr into `logFile`.
 */
export async function startTargetProcess(spec: TargetSpec, options: { logFile: string; profileDir?: string }): Promise<TargetProcess> {
  fs.mkdirSync(spec.dataDir, { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const child: ChildProcess = fork(path.join(__dirname, 'server-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', ...(options.profileDir ? { BENCH_PROFILE_DIR: options.profileDir } : {}) },
    // Its warnings (MemoryStore in production, the AWS SDK's Node notice) go to the log file too.
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) waiter?.resolve(msg.value);
    else waiter?.reject(new Error(`${spec.kind}/${spec.store}: ${msg.error}`));
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${spec.kind}/${spec.store} exited (${code})`));
    pending.clear();
  });
  const call = <T>(request: WithoutId<ChildRequest>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id: next });
    });

  const port = await call<number>({ op: 'init', spec });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    startWindow: () => call<void>({ op: 'window-start' }),
    stopWindow: () => call<WindowFigures>({ op: 'window-stop' }),
    readSession: (sid) => call<unknown>({ op: 'session', sid }),
    busiestSession: (spanMs) => call<number | null>({ op: 'busiest-session', spanMs }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call<void>({ op: 'close' }).catch(() => child.kill('SIGTERM'));
      await exited;
    },
  };
}
