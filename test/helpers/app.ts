import { Writable } from 'node:stream';
import session from 'express-session';
import supertest from 'supertest';
import { createApp, type AppDeps } from '../../src/app/app';
import { createCognitoClient } from '../../src/cognito/client';
import { createEmulatorMailbox } from '../../src/cognito/mailbox';
import { resolveCognitoSettings, type CognitoSettings } from '../../src/cognito/settings';
import { loadConfig, type AppConfig } from '../../src/app/config';
import { createLogger } from '../../src/logger';
import type { SessionStoreHandle } from '../../src/sessions';
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

/** Builds the app against the suite's cognito-local (or `overrides`), capturing its logs. */
export function buildTestApp(
  overrides: Partial<AppDeps> & { env?: Record<string, string>; sessions?: SessionStoreHandle } = {},
): TestApp {
  const { emulator, ids } = testEmulator();
  const config = overrides.config ?? testConfig(overrides.env);
  const settings = resolveCognitoSettings(config, ids, emulator.url);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  // A store handle brings its per-user session index along (a timed store cannot be looked into).
  const sessionStore = overrides.sessions?.store ?? overrides.sessionStore ?? new session.MemoryStore();
  const app = createApp({
    config,
    cognito: overrides.cognito ?? {
      settings,
      client: createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 }),
    },
    sessionStore,
    sessionIndex: overrides.sessions?.userSessions ?? overrides.sessionIndex,
    mailbox: 'mailbox' in overrides ? overrides.mailbox : createEmulatorMailbox(emulator.dir, ids.userPoolId),
    sessionSecret: overrides.sessionSecret ?? (config.session.secret as string),
    logger: overrides.logger ?? createLogger({ level: 'info', destination }),
    clock: overrides.clock,
    readiness: overrides.readiness,
    rateLimitStores: overrides.rateLimitStores,
  });
  return { app, config, settings: overrides.cognito?.settings ?? settings, sessionStore, logs, agent: () => supertest.agent(app) };
}
