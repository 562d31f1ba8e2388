import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { cognitoAuth, type CognitoOptions } from '../index';
// The embedded emulator only (development): the test kit's helpers start and provision cognito-local.
import {
  assertPortFree,
  createEmulatorMailbox,
  PortInUseError,
  provisionPool,
  startEmulator,
  waitForEmulator,
  type RunningEmulator,
} from '../testing';
import { createApp } from './app';
import { authOptionsFrom, cognitoOptionsFrom, type PoolIds } from './auth-options';
import { ConfigError, loadConfig, loadDotEnv, type AppConfig } from './config';
import { createEmulatorCheck } from './health';
import { createLogger } from './logger';
import { holdSdkNodeWarning } from './node-warnings';
import { createSessionStore, resolveSessionSecret } from './session-store';
import { describeStartupError } from './startup-errors';

/** How long in-flight requests may take to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Where the settings came from, for the banner and for a refused configuration. */
function settingsSource(envFile: string | undefined): string {
  return envFile === undefined
    ? `the environment only (no .env in ${process.cwd()})`
    : `the environment and ${envFile} (a variable set in the environment wins)`;
}

/**
 * Loads `.env` from the working directory, then validates; a bad configuration ends the process with its
 * message. NODE_ENV, when the configuration inferred it (an https APP_BASE_URL means production), is set
 * for what else reads it (Express's view cache, libraries).
 */
function readConfig(): { config: AppConfig; envFile: string | undefined } {
  let envFile: string | undefined;
  try {
    envFile = loadDotEnv(process.cwd(), process.env);
    const config = loadConfig(process.env);
    if (config.envReason !== 'NODE_ENV') process.env.NODE_ENV = config.env;
    return { config, envFile };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nSettings read from ${settingsSource(envFile)}.\n`);
    process.exit(1);
  }
}

/**
 * A port another process holds, as a start-up error that names the variable setting it and how to
 * choose another (docs/configuration.md, "Ports").
 */
function portInUseError(err: PortInUseError, variable: 'PORT' | 'COGNITO_LOCAL_PORT'): Error {
  const advice =
    variable === 'PORT'
      ? 'Stop that process, or choose another port with PORT (and APP_BASE_URL, if you set it, to match).'
      : 'Stop that process, or choose another port with COGNITO_LOCAL_PORT.';
  const inspector =
    err.port === 9229 ? " 9229 is also Node's inspector port: a process started with --inspect (as editors start one to debug it) may hold it." : '';
  return new Error(`${variable}=${err.port}: another process is already listening on ${err.host}:${err.port} (${err.detail}).${inspector} ${advice}`);
}

/** For `.catch`: a {@link PortInUseError} becomes {@link portInUseError} for `variable`; anything else passes through. */
function namingPort(variable: 'PORT' | 'COGNITO_LOCAL_PORT'): (err: unknown) => never {
  return (err) => {
    throw err instanceof PortInUseError ? portInUseError(err, variable) : err;
  };
}

/** Starts (embedded) or finds (COGNITO_ENDPOINT) the emulator and provisions it, or takes AWS ids from config. */
async function prepareCognito(config: AppConfig): Promise<{ settings: CognitoOptions; emulator?: RunningEmulator }> {
  const c = config.cognito;
  if (c.mode === 'aws') {
    const ids: PoolIds = { userPoolId: c.userPoolId!, clientId: c.clientId!, clientSecret: c.clientSecret };
    return { settings: cognitoOptionsFrom(config, ids) };
  }
  const emulator =
    c.mode === 'embedded'
      ? await startEmulator({ dir: path.join(config.dataDir, 'cognito'), port: c.localPort }).catch(namingPort('COGNITO_LOCAL_PORT'))
      : undefined;
  // Not embedded: the emulator mode is chosen only when COGNITO_ENDPOINT is set (config.ts).
  const url: string = emulator?.url ?? c.endpoint!;
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

function sessionsLine(config: AppConfig, reachable: boolean): string {
  if (config.session.store === 'sqlite') return `sqlite (${path.join(config.dataDir, 'sessions.sqlite')})`;
  if (config.session.store === 'redis') {
    const where = `redis (${new URL(config.session.redisUrl as string).host})`;
    return reachable ? where : `${where}: not reachable yet (REDIS_URL); pages that need a session answer 503 until it is`;
  }
  return config.session.store;
}

function modeLine(config: AppConfig): string {
  if (config.envReason === 'https APP_BASE_URL') return `${config.env} (NODE_ENV unset and APP_BASE_URL is https)`;
  return config.envReason === 'default' ? `${config.env} (NODE_ENV unset)` : config.env;
}

/** Resolves once the app listens; rejects with {@link PortInUseError} when another process took the port meanwhile. */
function listen(server: Server, config: AppConfig): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(config.host, config.port, err.message) : err);
    });
  });
}

/**
 * The responses not yet finished. Once `draining`, every response ends its connection (`Connection:
 * close`), so that the server closes as soon as the last one is sent, not after the keep-alive timeout.
 */
function trackResponses(server: Server, draining: () => boolean): { endKeepAlive(): void } {
  const open = new Set<ServerResponse>();
  const closeWhenDone = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    // Its headers already asked for keep-alive: the connection is closed once it is idle.
    else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    if (draining()) closeWhenDone(res);
  });
  return { endKeepAlive: () => open.forEach(closeWhenDone) };
}

interface BannerFacts {
  settings: CognitoOptions;
  emulator: RunningEmulator | undefined;
  mailbox: boolean;
  envFile: string | undefined;
  storeReachable: boolean;
  /** The AWS SDK's Node.js support warning, in one line, when it gave one. */
  nodeWarning: string | undefined;
}

function banner(config: AppConfig, { settings, emulator, mailbox, envFile, storeReachable, nodeWarning }: BannerFacts): string {
  const lines = [
    '',
    `  Settings:      ${settingsSource(envFile)}`,
    `  Mode:          ${modeLine(config)}`,
    `  App:           ${config.appBaseUrl}  (listening on ${config.host}:${config.port})`,
    settings.endpoint !== undefined
      ? `  Cognito:       EMULATOR (cognito-local) at ${settings.endpoint} — not real Amazon Cognito`
      : `  Cognito:       Amazon Cognito, ${settings.region}`,
    `  User pool id:  ${settings.userPoolId}`,
    `  App client id: ${settings.clientId}`,
    `  Sessions:      ${sessionsLine(config, storeReachable)}`,
  ];
  if (nodeWarning) lines.push(`  Node.js:       ${process.version}: ${nodeWarning}`);
  if (mailbox) lines.push(`  Offline mailbox (codes it would e-mail): ${config.appBaseUrl}/dev/mailbox`);
  if (emulator) lines.push(`  Emulator log:  ${emulator.logFile}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  // Before any AWS SDK client exists: its Node.js support warning goes in the banner, in one line.
  const sdkNodeWarning = holdSdkNodeWarning();
  const { config, envFile } = readConfig();
  const logger = createLogger({ level: config.logLevel });
  // Before the emulator starts: a taken app port, or a session store that cannot open (better-sqlite3
  // built for another Node.js), is then reported at once, with nothing to clean up.
  await assertPortFree(config.host, config.port).catch(namingPort('PORT'));
  const sessions = createSessionStore(config, logger);
  const { settings, emulator } = await prepareCognito(config);
  // The app serves whether or not Redis is up: pages that need a session answer 503 until it is, and
  // /readyz says so. Waiting one store time limit only keeps the banner truthful for a Redis about to answer.
  const storeReachable = await Promise.race([
    sessions.ready.then(
      () => true,
      () => false,
    ),
    delay(config.session.storeTimeoutMs, false),
  ]);
  if (!storeReachable) logger.warn('session store not reachable yet; pages that need a session answer 503 until it is');
  let draining = false;
  const mailbox = mailboxFor(config, settings, emulator);
  const auth = cognitoAuth(
    authOptionsFrom(config, { cognito: settings, sessionStore: sessions, sessionSecret: resolveSessionSecret(config), mailbox, logger }),
  );
  const readiness = {
    sessionStore: sessions.ping,
    emulator: settings.endpoint === undefined ? undefined : createEmulatorCheck(settings.endpoint),
    draining: () => draining,
  };
  const app = createApp({ config, auth, logger, readiness, cognitoOrigin: new URL(settings.domain).origin });

  const server: Server = app.listen(config.port, config.host);
  await listen(server, config).catch(namingPort('PORT'));
  const inFlight = trackResponses(server, () => draining);
  process.stdout.write(
    banner(config, { settings, emulator, mailbox: mailbox !== undefined, envFile, storeReachable, nodeWarning: sdkNodeWarning.line() }),
  );
  sdkNodeWarning.release((line) => logger.warn({ nodeVersion: process.version }, line));

  // Graceful shutdown: /readyz turns 503, no new connections, in-flight requests finish, then the store
  // and the embedded emulator close and the process exits 0 (or 1 if that takes too long). A signal that
  // comes again changes nothing: `npm start` in a terminal delivers Ctrl-C twice (from the terminal, and
  // forwarded by npm), and the grace period already bounds the wait.
  const shutdown = (signal: string) => {
    if (draining) return;
    logger.info({ signal }, 'shutting down');
    draining = true;
    setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      void Promise.allSettled([auth.close(), sessions.close(), emulator?.stop()]).then(() => process.exit(0));
    });
    inFlight.endKeepAlive();
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${describeStartupError(err)}\n`);
  process.exit(1);
});
