import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '../../src/cognito/client';
import type { RunningEmulator } from '../../src/testing/emulator/start';
import { startEmulatorOnFreePort } from '../../src/testing/free-port';
import { provisionEmulatorPool } from '../../src/cognito/provision';
import type { PoolIds } from '../../src/cognito/settings';
import { freePort } from './ports';

/** The app origin registered as callback/sign-out URL in the test pool. Nothing listens there: supertest drives the app. */
export const TEST_APP_BASE_URL = 'http://app.localhost:3000';

/** The suite's one cognito-local, started by the root hook. */
export interface TestEmulator {
  emulator: RunningEmulator;
  client: CognitoIdentityProviderClient;
  ids: PoolIds;
}

let current: TestEmulator | undefined;
let starting: Promise<TestEmulator> | undefined;
/** The running emulator's directory, removed when this process exits if nothing removed it before. */
let leftBehind: string | undefined;

/** Starts cognito-local on a free port in a fresh temp directory and provisions the pool of pool-settings.ts. */
export async function startTestEmulator(): Promise<TestEmulator> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognito-test-'));
  leftBehind = dir;
  const emulator = await startEmulatorOnFreePort({ dir }, freePort);
  const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
  const ids = await provisionEmulatorPool(client, TEST_APP_BASE_URL);
  current = { emulator, client, ids };
  return current;
}

/**
 * This process's emulator, started by the first call: in mocha's parallel mode the root hooks run for
 * every file, and each worker process keeps one emulator for all the files it runs.
 */
export function ensureTestEmulator(): Promise<TestEmulator> {
  if (current) return Promise.resolve(current);
  starting ??= startTestEmulator().finally(() => {
    starting = undefined;
  });
  return starting;
}

/** Stops the emulator and removes its directory. */
export async function stopTestEmulator(): Promise<void> {
  if (!current) return;
  current.client.destroy();
  await current.emulator.stop();
  fs.rmSync(current.emulator.dir, { recursive: true, force: true });
  current = undefined;
  leftBehind = undefined;
}

/**
 * At exit, when the emulator is still running (a parallel worker ends with `process.exit`, which waits
 * for nothing): the emulator module has killed cognito-local by then (its own exit handler, registered
 * first); its directory goes too.
 */
process.once('exit', () => {
  if (leftBehind) fs.rmSync(leftBehind, { recursive: true, force: true, maxRetries: 3 });
});

/** The running test emulator; fails loudly if the root hook did not start it. */
export function testEmulator(): TestEmulator {
  if (!current) throw new Error('the cognito-local root hook has not run');
  return current;
}
