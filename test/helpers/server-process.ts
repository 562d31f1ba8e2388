import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { compiledModule } from './compiled-sources';

export const ROOT = path.resolve(__dirname, '..', '..');

/** A process a test started, with everything it printed. */
export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  /** Its exit code, or the name of the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Every process a test started: {@link stopStartedProcesses} ends those a failed assertion left running. */
const started: ChildProcess[] = [];

/** Runs `command` with only the given variables (plus PATH), keeping its output. */
export function runProcess(command: string, args: string[], env: Record<string, string>, cwd: string): RunningProcess {
  let output = '';
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals))));
  return { child, output: () => output, exited };
}

/**
 * Runs `src/app/server.ts` (compiled once per process, compiled-sources.ts) as `npm start` runs the build, with
 * only the given variables (plus PATH), working in `cwd` (a temp directory: a developer's own `.env` in the
 * repository never reaches a test). `preload` names modules Node loads first (`--require`).
 */
export function runServer(env: Record<string, string>, cwd: string, preload: string[] = []): RunningProcess {
  return runProcess(process.execPath, [...preload.flatMap((file) => ['--require', file]), compiledModule('app/server')], env, cwd);
}

/**
 * Ends what a test started and left running: SIGTERM (a server then stops its embedded emulator too),
 * SIGKILL for what does not go within 10 s.
 */
export async function stopStartedProcesses(): Promise<void> {
  const running = started.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map(
      (c) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** Polls `predicate` until it holds; fails naming `what` after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits for the server's start-up banner (written at once; it names the app client); on a timeout the failure
 * carries everything the process printed, so a slow or failed start says why.
 */
export async function waitForBanner(proc: RunningProcess, ms = 40_000): Promise<string> {
  await waitFor(() => proc.output().includes('App client id:'), 'the start-up banner', ms).catch((err: Error) => {
    throw new Error(`${err.message}; the process printed:\n${proc.output()}`);
  });
  return proc.output();
}

/** `promise`, or a failure naming `what` once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The ids of every process below `pid` (children, their children, …), from `ps` (Linux and macOS). */
export function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** The command line of process `pid`, or undefined when there is none. */
export function commandOf(pid: number): string | undefined {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Whether a process with this id runs (a zombie, ended but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

/** Whether something accepts HTTP requests at `url` now. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
