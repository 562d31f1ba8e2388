import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Server } from 'node:http';
import { cognitoAuth, type CognitoOptions } from '../index';
// The embedded emulator only (development): the test kit's helpers start and provision cognito-local.
import { createEmulatorMailbox, provisionPool, startEmulator, waitForEmulator, type RunningEmulator } from '../testing';
import { createApp } from './app';
import { authOptionsFrom, cognitoOptionsFrom, type PoolIds } from './auth-options';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createLogger } from './logger';
import { createSessionStore, resolveSessionSecret } from './session-store';

/** How long in-flight requests may take to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Starts (embedded) or finds (COGNITO_ENDPOINT) the emulator and provisions it, or takes AWS ids from config. */
async function prepareCognito(config: AppConfig): Promise<{ settings: CognitoOptions; emulator?: RunningEmulator }> {
  const c = config.cognito;
  if (c.mode === 'aws') {
    const ids: PoolIds = { userPoolId: c.userPoolId!, clientId: c.clientId!, clientSecret: c.clientSecret };
    return { settings: cognitoOptionsFrom(config, ids) };
  }
  const emulator =
    c.mode === 'embedded'
      ? await startEmulator({ dir: path.join(config.dataDir, 'cognito'), port: c.localPort })
      : undefined;
  const url = emulator?.url ?? (c.endpoint as string);
  if (!emulator) await waitForEmulator(url, { timeoutMs: 30_000 });
  const ids: PoolIds =
    c.userPoolId && c.clientId
      ? { userPoolId: c.userPoolId, clientId: c.clientId, clientSecret: c.clientSecret }
      : await provisionPool({ url, region: c.region, timeoutMs: c.timeoutMs }, config.appBaseUrl);
  return { settings: cognitoOptionsFrom(config, ids, url), emulator };
}

/** The offline mailbox, where the emulator's data can be read: embedded, or COGNITO_LOCAL_DIR. */
function mailboxFor(config: AppConfig, settings: CognitoOptions, emulator: RunningEmulator | undefined) {
  const dir = emulator?.dir ?? config.cognito.localDir;
  if (settings.endpoint === undefined || config.env === 'production' || dir === undefined) return undefined;
  return createEmulatorMailbox(dir, settings.userPoolId);
}

function sessionsLine(config: AppConfig): string {
  if (config.session.store === 'sqlite') return `sqlite (${path.join(config.dataDir, 'sessions.sqlite')})`;
  if (config.session.store === 'redis') return `redis (${new URL(config.session.redisUrl as string).host})`;
  return config.session.store;
}

function banner(config: AppConfig, settings: CognitoOptions, emulator: RunningEmulator | undefined, mailbox: boolean): string {
  const lines = [
    '',
    `  App:           ${config.appBaseUrl}  (listening on ${config.host}:${config.port})`,
    settings.endpoint !== undefined
      ? `  Cognito:       EMULATOR (cognito-local) at ${settings.endpoint} — not real Amazon Cognito`
      : `  Cognito:       Amazon Cognito, ${settings.region}`,
    `  User pool id:  ${settings.userPoolId}`,
    `  App client id: ${settings.clientId}`,
    `  Sessions:      ${sessionsLine(config)}`,
  ];
  if (mailbox) lines.push(`  Offline mailbox (codes it would e-mail): ${config.appBaseUrl}/dev/mailbox`);
  if (emulator) lines.push(`  Emulator log:  ${emulator.logFile}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const { settings, emulator } = await prepareCognito(config);
  const sessions = createSessionStore(config, logger);
  const storeReady = await Promise.race([sessions.ready.then(() => true), delay(10_000, false)]);
  if (!storeReady) logger.warn('session store not reachable yet; pages that need a session answer 503 until it is');
  let draining = false;
  const mailbox = mailboxFor(config, settings, emulator);
  const auth = cognitoAuth(authOptionsFrom(config, { cognito: settings, sessionStore: sessions, sessionSecret: resolveSessionSecret(config), mailbox, logger }));
  const readiness = { sessionStore: sessions.ping, draining: () => draining };
  const app = createApp({ config, auth, logger, readiness, cognitoOrigin: new URL(settings.domain).origin });

  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  process.stdout.write(banner(config, settings, emulator, mailbox !== undefined));

  // Graceful shutdown: /readyz turns 503, no new connections, in-flight requests finish, then the store
  // and the embedded emulator close and the process exits 0 (or 1 if that takes too long).
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    draining = true;
    setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      void Promise.allSettled([auth.close(), sessions.close(), emulator?.stop()]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
