import type { EventEmitter } from 'node:events';

/** The process-wide error events, and the event through which the root hook puts its listeners back. */
const EVENTS = ['removeListener', 'uncaughtException', 'unhandledRejection'] as const;

/** The process as a plain event emitter (its own typings list each event separately). */
const events = process as unknown as EventEmitter;

/** Where errors that no caller caught went while a test watched. */
export interface EscapedErrors {
  /** Thrown outside any promise (a callback's throw): `uncaughtException`. */
  uncaught: unknown[];
  /** Rejected promises nobody handled: `unhandledRejection`. */
  unhandled: unknown[];
}

/**
 * Runs `work` with the process's own listeners of `uncaughtException` and `unhandledRejection` (mocha's,
 * the root hook's) set aside, and records what reaches each event until `done()` says the test has seen
 * enough (or 200 turns of the event loop have passed), then puts the listeners back. For tests of what
 * happens when a callback throws: without this, mocha would fail the test on the first such error.
 */
export async function whereErrorsGo(work: () => unknown, done: (seen: EscapedErrors) => boolean): Promise<EscapedErrors> {
  const saved = EVENTS.map((event) => [event, events.listeners(event)] as const);
  for (const event of EVENTS) process.removeAllListeners(event);
  const seen: EscapedErrors = { uncaught: [], unhandled: [] };
  process.on('uncaughtException', (err) => seen.uncaught.push(err));
  process.on('unhandledRejection', (reason) => seen.unhandled.push(reason));
  try {
    await work();
    for (let turn = 0; turn < 200 && !done(seen); turn += 1) await new Promise((resolve) => setImmediate(resolve));
    // A few more turns: an error of another kind may still come.
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    for (const event of EVENTS) process.removeAllListeners(event);
    for (const [event, listeners] of saved) for (const listener of listeners) events.on(event, listener as (...args: unknown[]) => void);
  }
  return seen;
}
