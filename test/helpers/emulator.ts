import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '../../src/cognito/client';
import { startEmulator, type RunningEmulator } from '../../src/cognito/emulator';
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

/** Starts cognito-local on a free port in a fresh temp directory and provisions the pool of pool-settings.ts. */
export async function startTestEmulator(): Promise<TestEmulator> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognito-test-'));
  const emulator = await startEmulator({ dir, port: await freePort() });
  const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
  const ids = await provisionEmulatorPool(client, TEST_APP_BASE_URL);
  current = { emulator, client, ids };
  return current;
}

/** Stops the emulator and removes its directory. */
export async function stopTestEmulator(): Promise<void> {
  if (!current) return;
  current.client.destroy();
  await current.emulator.stop();
  fs.rmSync(current.emulator.dir, { recursive: true, force: true });
  current = undefined;
}

/** The running test emulator; fails loudly if the root hook did not start it. */
export function testEmulator(): TestEmulator {
  if (!current) throw new Error('the cognito-local root hook has not run');
  return current;
}
