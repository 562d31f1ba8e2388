import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTestEmulator, renewFilledTestPool, stopTestEmulator } from './emulator';

/**
 * Mocha forks its parallel workers with MOCHA_WORKER_ID set. A worker runs many files one after another,
 * and the root hooks run around each file.
 */
const inParallelWorker = process.env.MOCHA_WORKER_ID !== undefined;

/**
 * `TEST_EMULATOR=off`: no emulator, for runs whose files need none (test/unhandled.test.ts runs mocha on
 * fixtures with this configuration; an emulator per process would only cost time).
 */
const withEmulator = process.env.TEST_EMULATOR !== 'off';

/** Where parallel workers note errors seen between files, for the main process (set by the global set-up). */
const CRASH_NOTES = 'TEST_WORKER_CRASH_NOTES';

/**
 * Turns an unhandled rejection into an uncaught exception, which mocha reports as a failure of the test
 * (or hook) that was running. Without it, mocha's own listener re-emits the rejection to nobody and the
 * run passes.
 */
function rethrow(reason: unknown): never {
  throw reason;
}

/**
 * In a parallel worker between two files, mocha listens for nothing: an uncaught exception would kill the
 * worker, and mocha's main process then ends without a summary and with exit code 0. This listener
 * stands in while mocha's is absent: it prints the error and leaves a note for the global teardown, which
 * fails the run.
 */
function noteBetweenFiles(err: unknown): void {
  if (process.listenerCount('uncaughtException') > 1) return; // mocha's own listener reports it
  const notes = process.env[CRASH_NOTES];
  const text = `mocha worker ${process.pid}, between test files: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  process.stderr.write(`\n${text}\n`);
  if (notes) fs.writeFileSync(path.join(notes, `worker-${process.pid}-${Date.now()}`), text);
}

process.on('unhandledRejection', rethrow);
if (inParallelWorker) {
  process.on('uncaughtException', noteBetweenFiles);
  // Mocha's worker removes every listener of both events after each file: put ours back at once (before
  // any timer or rejection can run).
  process.on('removeListener', (event: string | symbol, listener: unknown) => {
    if (event === 'unhandledRejection' && listener === rethrow) process.nextTick(() => process.on('unhandledRejection', rethrow));
    if (event === 'uncaughtException' && listener === noteBetweenFiles) process.nextTick(() => process.on('uncaughtException', noteBetweenFiles));
  });
}

/** Mocha's global set-up (main process, once per run). */
export function mochaGlobalSetup(): void {
  const notes = fs.mkdtempSync(path.join(os.tmpdir(), 'mocha-crash-notes-'));
  process.env[CRASH_NOTES] = notes;
  // Also when the run ends without its teardown (an error that ends the main process).
  process.once('exit', () => fs.rmSync(notes, { recursive: true, force: true }));
}

/** Mocha's global teardown (main process, once per run): an error a worker noted between files fails the run. */
export function mochaGlobalTeardown(): void {
  const notes = process.env[CRASH_NOTES];
  if (!notes) return;
  const crashes = fs.readdirSync(notes).map((name) => fs.readFileSync(path.join(notes, name), 'utf8'));
  fs.rmSync(notes, { recursive: true, force: true });
  if (crashes.length > 0)
    throw new Error(`${crashes.length} unhandled rejection(s) or uncaught exception(s) between test files:\n${crashes.join('\n')}`);
}

/**
 * Mocha root hooks: one real cognito-local per process (the serial run, or each parallel worker), on a
 * free port in a temp dir, its pool renewed between files once the earlier ones filled it; and unhandled
 * rejections fail the run.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    if (withEmulator) {
      await ensureTestEmulator();
      await renewFilledTestPool();
    }
  },
  async afterAll() {
    // A worker's emulator serves its next files too, and goes when the worker exits (emulator.ts).
    if (!inParallelWorker) await stopTestEmulator();
  },
};
