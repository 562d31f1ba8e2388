import { Writable } from 'node:stream';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import session from 'express-session';
import type { Logger } from 'pino';
import supertest from 'supertest';
import { createApp } from '../../src/app/app';
import { authOptionsFrom, cognitoOptionsFrom } from '../../src/app/auth-options';
import { expect } from 'chai';
import { ConfigError, loadConfig, type AppConfig } from '../../src/app/config';
import type { ReadinessChecks } from '../../src/app/health';
import { createLogger } from '../../src/app/logger';
import { createCognitoClient } from '../../src/cognito/client';
import { createEmulatorMailbox, type Mailbox } from '../../src/cognito/mailbox';
import { settingsFromOptions, type CognitoOptions, type CognitoSettings, type PoolIds } from '../../src/cognito/settings';
import type { TokenVerifier } from '../../src/cognito/tokens';
import type { UserService } from '../../src/cognito/user-service';
import { createCognitoAuth } from '../../src/router/create-router';
import type { CognitoAuthOptions } from '../../src/router/options';
import type { RateLimitStoreFactory } from '../../src/router/routes/rate-limit';
import type { SessionStoreHandle } from '../../src/sessions';
import type { Clock } from '../../src/auth/lifetimes';
import { createClientDouble, type SentCommand } from './client-double';
import { TEST_APP_BASE_URL, testEmulator } from './emulator';

/** Everything a test needs from one app instance. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  config: AppConfig;
  settings: CognitoSettings;
  sessionStore: session.Store;
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** A cookie-keeping client: one browser. */
  agent: () => ReturnType<typeof supertest.agent>;
}

/** What a test may replace in the reference app. */
export interface TestAppOverrides {
  env?: Record<string, string>;
  config?: AppConfig;
  /** A Cognito of the test's own: settings (a hostile issuer), an SDK client (a double), a verifier. */
  cognito?: { settings: CognitoSettings; client: CognitoIdentityProviderClient; verifier?: TokenVerifier; users?: UserService };
  /** A store handle (it brings its per-user session index along), or a bare store. */
  sessions?: SessionStoreHandle;
  sessionStore?: session.Store;
  mailbox?: Mailbox | undefined;
  sessionSecret?: string;
  logger?: Logger;
  clock?: Clock;
  readiness?: ReadinessChecks;
  rateLimitStores?: RateLimitStoreFactory | undefined;
  /** Changes the options the reference app gives `cognitoAuth()`. */
  authOptions?: (options: CognitoAuthOptions) => CognitoAuthOptions;
}

/** The problems `loadConfig(env)` names; fails unless it refuses `env` with a ConfigError. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/**
 * A session-store time limit for the tests that make a store hang or hold a lock: each waits it out, some
 * more than once, and the behaviour does not depend on its length. A quarter of the default 2 s
 * (config.test.ts pins the default) keeps those tests quick.
 */
export const SHORT_STORE_LIMIT: Readonly<Record<string, string>> = { SESSION_STORE_TIMEOUT_MS: '500' };

/** Test configuration: the suite's emulator, memory sessions, a fixed secret. `env` overrides variables. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  const { emulator } = testEmulator();
  return loadConfig({
    NODE_ENV: 'test',
    APP_BASE_URL: TEST_APP_BASE_URL,
    COGNITO_ENDPOINT: emulator.url,
    SESSION_STORE: 'memory',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'info',
    ...env,
  });
}

/** The `cognito` option that describes `settings` (the package derives the same settings back from it). */
export function cognitoOptionsOf(settings: CognitoSettings): CognitoOptions {
  return {
    region: settings.region,
    userPoolId: settings.userPoolId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    domain: new URL(settings.authorizationUrl).origin,
    issuer: settings.issuer,
    endpoint: settings.emulator ? settings.apiEndpoint : undefined,
    nonce: settings.nonce,
    timeoutMs: settings.timeoutMs,
  };
}

/** Builds the reference app against the suite's cognito-local (or `overrides`), capturing its logs. */
export function buildTestApp(overrides: TestAppOverrides = {}): TestApp {
  const { emulator, ids } = testEmulator();
  const config = overrides.config ?? testConfig(overrides.env);
  // A production configuration names real Cognito: its settings then say so (the SDK client still goes
  // to the suite's emulator, which is all such a test needs of it).
  const settings = overrides.cognito?.settings ?? resolveCognitoSettings(config, ids, config.cognito.mode === 'aws' ? undefined : emulator.url);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = overrides.logger ?? createLogger({ level: 'info', destination });
  // A store handle brings its per-user session index along (a timed store cannot be looked into).
  const sessionStore = overrides.sessions?.store ?? overrides.sessionStore ?? new session.MemoryStore();
  const client = overrides.cognito?.client ?? createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
  const options = authOptionsFrom(config, {
    cognito: cognitoOptionsOf(settings),
    sessionStore: overrides.sessions ?? sessionStore,
    sessionSecret: overrides.sessionSecret ?? (config.session.secret as string),
    mailbox: 'mailbox' in overrides ? overrides.mailbox : createEmulatorMailbox(emulator.dir, ids.userPoolId),
    logger,
    clock: overrides.clock,
    rateLimitStore: overrides.rateLimitStores,
  });
  const auth = createCognitoAuth(overrides.authOptions ? overrides.authOptions(options) : options, {
    settings,
    client,
    verifier: overrides.cognito?.verifier,
    users: overrides.cognito?.users,
  });
  const app = createApp({ config, auth, logger, readiness: overrides.readiness, cognitoOrigin: new URL(settings.authorizationUrl).origin });
  return { app, config, settings, sessionStore, logs, agent: () => supertest.agent(app) };
}

/** The settings the package derives, as the reference app would, from a test configuration and pool ids. */
export function resolveCognitoSettings(config: AppConfig, ids: PoolIds, emulatorUrl?: string): CognitoSettings {
  return settingsFromOptions(cognitoOptionsFrom(config, ids, emulatorUrl));
}

/**
 * The reference app's production configuration against a test issuer (real-Cognito mode, https behind a
 * TLS-terminating proxy, the `__Host-` cookie): for the real-Cognito path's tests.
 */
export function productionConfigFor(issuer: { url: string; settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'> }): AppConfig {
  return loadConfig({
    NODE_ENV: 'production',
    APP_BASE_URL: 'https://app.example.com',
    TRUST_PROXY: 'true',
    SESSION_SECRET: 'p'.repeat(40),
    COGNITO_REGION: 'ap-northeast-1',
    COGNITO_USER_POOL_ID: 'ap-northeast-1_Test',
    COGNITO_CLIENT_ID: issuer.settings.clientId,
    COGNITO_CLIENT_SECRET: issuer.settings.clientSecret,
    COGNITO_DOMAIN: issuer.url,
  });
}

/** An app whose Cognito client is a double over the emulator, sharing `store`, with a clock tests move. */
export function appWithDouble(store: session.Store, answer?: (c: SentCommand) => Promise<unknown> | undefined) {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, answer);
  let offset = 0;
  const base = buildTestApp();
  const settings = resolveCognitoSettings(base.config, ids, emulator.url);
  const t = buildTestApp({ sessionStore: store, cognito: { settings, client: double.client }, clock: () => Date.now() + offset });
  return { t, sent: double.sent, advance: (ms: number) => (offset += ms) };
}
