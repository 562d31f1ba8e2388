import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '../../../src/cognito/client';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { buildGuardedApp } from './guarded-app';
import { openTargetStore } from './stores';
import type { BuiltTarget, TargetSpec } from './types';

/** The app's production configuration; the Cognito variables only pass validation (the emulator's settings are used). */
function productionConfig(spec: TargetSpec) {
  const cognito = spec.cognito!;
  return loadConfig({
    NODE_ENV: 'production',
    APP_BASE_URL: 'https://app.bench.test',
    DATA_DIR: spec.dataDir,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'info',
    SESSION_SECRET: spec.sessionSecret,
    COGNITO_REGION: 'ap-northeast-1',
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    COGNITO_CLIENT_SECRET: cognito.clientSecret ?? 'unused',
    COGNITO_DOMAIN: 'https://bench.auth.ap-northeast-1.amazoncognito.com',
    // Every connection signs in from 127.0.0.1, as the same account, several at a time.
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_SIGNIN_FAILURES: '100000000',
  });
}

/** Counts every call the app makes to Cognito: SDK commands, and fetch (token endpoint, JWKS). */
function countCognitoCalls(client: CognitoIdentityProviderClient) {
  let count = 0;
  const counted = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: never) => ((count += 1), target.send(command));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => ((count += 1), realFetch(...args))) as typeof fetch;
  return { client: counted, count: () => count };
}

/**
 * The app target: production settings (secure `__Host-` cookie behind a trusted proxy, HSTS), request
 * logging at info to stdout (the child's stdout is a file), the emulator as Cognito.
 */
export async function buildAppTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const settings = spec.cognito!;
  const handle = (await openTargetStore(spec))!;
  const counter = countCognitoCalls(createCognitoClient({ region: 'local', endpoint: settings.apiEndpoint, timeoutMs: settings.timeoutMs }));
  const app = buildGuardedApp({
    config: productionConfig(spec),
    settings,
    client: counter.client,
    store: handle.store,
    secret: spec.sessionSecret,
    logger: createLogger({ level: 'info' }),
  });
  return { app, store: handle.store, storeWrites: handle.writes, cognitoCalls: counter.count, close: () => handle.close() };
}
