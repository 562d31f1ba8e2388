import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteUserPoolCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
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

/**
 * A pool file past this size is replaced before the next test file. cognito-local writes a pool's whole JSON
 * file on every change, and the emulator looks tokens up among all its users, so one pool filled by every
 * file a worker runs (about 600 kB by the end) made each later request slower, not any test more thorough.
 */
const RENEW_POOL_BYTES = 64 * 1024;

/**
 * Before a test file (the root hook): when the earlier files of this process have filled the pool past
 * {@link RENEW_POOL_BYTES}, deletes it and provisions a fresh one with the same settings, so the file gets
 * new pool and client ids. There is still exactly one pool, as provisionEmulatorPool keeps it.
 */
export async function renewFilledTestPool(): Promise<void> {
  if (!current) return;
  const file = path.join(current.emulator.dir, '.cognito', 'db', `${current.ids.userPoolId}.json`);
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size < RENEW_POOL_BYTES) return;
  await current.client.send(new DeleteUserPoolCommand({ UserPoolId: current.ids.userPoolId }));
  current = { ...current, ids: await provisionEmulatorPool(current.client, TEST_APP_BASE_URL) };
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
