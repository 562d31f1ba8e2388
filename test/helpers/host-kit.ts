import fs from 'node:fs';
import { startCognitoLocal, type CognitoLocal } from '../../src/testing';
import { HOST_BASE_URL } from '../package/host-app';

/**
 * The host-app test files (test/package/) share one kit emulator per process, as a host's own suite would
 * start one in a root hook: each start spawns cognito-local and provisions a pool, and their tests need
 * nothing a fresh pool would give (every file creates its own users). Only the kit's public API is used:
 * these files test the package as a host uses it.
 */

let shared: Promise<CognitoLocal> | undefined;
/** Removes the running kit's directory when this process ends before {@link stopHostKit} (a parallel worker). */
let removeDirAtExit: (() => void) | undefined;

/**
 * This process's `startCognitoLocal({ baseUrl: HOST_BASE_URL, mountPath: '/account' })`, started by the
 * first call; every later (or concurrent) call gets the same promise. A failed start stays failed: the
 * next callers get its error at once rather than each waiting for a start of its own.
 */
export function hostKit(): Promise<CognitoLocal> {
  shared ??= startCognitoLocal({ baseUrl: HOST_BASE_URL, mountPath: '/account' }).then((kit) => {
    // Registered after the start, so that it runs after the kit's own exit handler, which kills
    // cognito-local (a parallel worker ends with process.exit, which waits for no hook).
    const dir = kit.dir;
    removeDirAtExit = () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    process.once('exit', removeDirAtExit);
    return kit;
  });
  return shared;
}

/** Stops the shared kit, if one started, and removes its directory. */
export async function stopHostKit(): Promise<void> {
  const running = shared;
  if (!running) return;
  shared = undefined;
  const kit = await running.catch(() => undefined);
  if (!kit) return;
  if (removeDirAtExit) process.removeListener('exit', removeDirAtExit);
  removeDirAtExit = undefined;
  await kit.stop();
}

/**
 * A serial run loads every file into one root suite, whose after-all hooks run once, at the very end:
 * stop the kit there, or its process would keep mocha from ending. A parallel worker runs each file in a
 * root suite of its own (the kit serves the worker's next files, and goes when the worker exits); mocha
 * marks its workers with MOCHA_WORKER_ID. This module is first loaded by a test file's imports, at the
 * top level of mocha's loading, where `after` is the root suite's.
 */
if (process.env.MOCHA_WORKER_ID === undefined && typeof after === 'function') after('stop the shared host-app kit emulator', stopHostKit);
