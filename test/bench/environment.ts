import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdminConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '../../src/cognito/client';
import { startEmulator, type RunningEmulator } from '../../src/cognito/emulator';
import { provisionEmulatorPool } from '../../src/cognito/provision';
import { resolveCognitoSettings, type CognitoSettings } from '../../src/cognito/settings';
import { loadConfig } from '../../src/config';
import { freePort } from '../helpers/ports';
import { startBenchRedis, type BenchRedis } from './bench-redis';
import { startOpenIdProvider, type LocalOpenIdProvider } from './openid-provider';
import { BENCH_EMAIL } from './page';

/** The app's origin as configured (requests reach it through a proxy that says https). */
export const APP_BASE_URL = 'https://app.bench.test';
/** express-openid-connect's baseURL; its callback is registered at the provider under this origin. */
export const OIDC_BASE_URL = 'https://eoc.bench.test';
export const BENCH_PASSWORD = 'Passw0rd!Bench';
export const SESSION_SECRET = 'bench-secret-bench-secret-bench-secret';

/** What the targets need from outside: cognito-local, redis-server, the OpenID provider, a temp dir. */
export interface BenchEnvironment {
  dir: string;
  cognito: CognitoSettings;
  redisUrl: string;
  provider: LocalOpenIdProvider;
  stop(): Promise<void>;
}

/**
 * Starts everything on free ports in a temp directory: cognito-local with the app's pool and one
 * confirmed account (BENCH_EMAIL), a redis-server, and the OpenID provider with the same email.
 */
export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  let emulator: RunningEmulator | undefined;
  let redis: BenchRedis | undefined;
  let provider: LocalOpenIdProvider | undefined;
  const stop = async () => {
    await Promise.allSettled([emulator?.stop(), redis?.stop(), provider?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    emulator = await startEmulator({ dir: path.join(dir, 'cognito'), port: await freePort() });
    redis = await startBenchRedis();
    provider = await startOpenIdProvider({ redirectUri: `${OIDC_BASE_URL}/callback`, email: BENCH_EMAIL });
    const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
    const ids = await provisionEmulatorPool(client, APP_BASE_URL);
    await client.send(
      new SignUpCommand({ ClientId: ids.clientId, Username: BENCH_EMAIL, Password: BENCH_PASSWORD, UserAttributes: [{ Name: 'email', Value: BENCH_EMAIL }] }),
    );
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: BENCH_EMAIL }));
    client.destroy();
    const cognito = resolveCognitoSettings(loadConfig({ COGNITO_ENDPOINT: emulator.url, APP_BASE_URL }), ids, emulator.url);
    return { dir, cognito, redisUrl: redis.url, provider, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
