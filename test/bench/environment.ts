import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCognitoLocal, type CognitoLocal } from '../../src/testing';
import { startBenchRedis, type BenchRedis } from './bench-redis';
import { BENCH_PASSWORD, HOST_BASE_URL, HOST_MOUNT_PATH, OIDC_BASE_URL } from './constants';
import { startOpenIdProvider, type LocalOpenIdProvider } from './openid-provider';
import { BENCH_EMAIL } from './page';
import type { BenchCognito } from './targets/types';

/** What the targets need from outside: cognito-local, redis-server, the OpenID provider, a temp dir. */
export interface BenchEnvironment {
  dir: string;
  /** The test kit's handle on cognito-local (the parent signs connections in with it). */
  kit: CognitoLocal;
  /** The same emulator as plain data for the target processes. */
  cognito: BenchCognito;
  redisUrl: string;
  provider: LocalOpenIdProvider;
  stop(): Promise<void>;
}

/**
 * Starts everything on free ports in a temp directory: cognito-local through the package's test kit
 * (the pool as the package provisions it, the callback under the host's mount) with one confirmed
 * account (BENCH_EMAIL), a redis-server, and the OpenID provider with the same email.
 */
export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  let kit: CognitoLocal | undefined;
  let redis: BenchRedis | undefined;
  let provider: LocalOpenIdProvider | undefined;
  const stop = async () => {
    await Promise.allSettled([kit?.stop(), redis?.stop(), provider?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    kit = await startCognitoLocal({ baseUrl: HOST_BASE_URL, mountPath: HOST_MOUNT_PATH, dir: path.join(dir, 'cognito') });
    redis = await startBenchRedis();
    provider = await startOpenIdProvider({ redirectUri: `${OIDC_BASE_URL}/callback`, email: BENCH_EMAIL });
    await kit.createUser({ email: BENCH_EMAIL, password: BENCH_PASSWORD });
    if (kit.clientSecret === undefined) throw new Error('the kit provisioned an app client without a secret');
    const cognito: BenchCognito = { url: kit.url, userPoolId: kit.userPoolId, clientId: kit.clientId, clientSecret: kit.clientSecret };
    return { dir, kit, cognito, redisUrl: redis.url, provider, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
