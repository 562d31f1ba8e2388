import fs from 'node:fs';
import path from 'node:path';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { SILENT_LOGGER, type LoggerLike } from '../log';
import { SqliteSessionStore } from './sqlite-store';
import { settleWithin, withStoreTimeout } from './timed-store';
import type { SessionStoreHandle } from './store-handle';
import { userSessionIndexFor } from './store-indexes';

export type { UserSessionIndex } from './user-sessions';
export type { SendRedisCommand, SessionStoreHandle } from './store-handle';

/** Default time limit of every session-store operation, in milliseconds. */
export const DEFAULT_STORE_TIMEOUT_MS = 2000;

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time limit of every store operation, in milliseconds. Default 2000. */
  timeoutMs?: number;
}

/**
 * Sessions in this process's memory: for tests and trying things out. They are lost on restart and not
 * shared between instances; do not use it in production.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStoreHandle {
  const store = new session.MemoryStore();
  const handle: SessionStoreHandle = {
    store,
    userSessions: userSessionIndexFor(store),
    ready: Promise.resolve(),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
  return withStoreTimeout(handle, options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
}

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  file: string;
  /** How long an operation keeps trying while another process holds the file locked, in ms. Default: `timeoutMs`. */
  busyTimeoutMs?: number;
  /** Time limit of every store operation, in milliseconds. Default 2000. */
  timeoutMs?: number;
}

/**
 * Sessions in one SQLite file (better-sqlite3, an optional dependency): they survive a restart and need no
 * server; several processes on one machine can share the file. Expired rows are swept.
 */
export function createSqliteStore(options: SqliteStoreOptions): SessionStoreHandle {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const store = new SqliteSessionStore(options.file, { busyTimeoutMs: options.busyTimeoutMs ?? timeoutMs });
  const handle: SessionStoreHandle = {
    store,
    userSessions: store.userSessions,
    ready: Promise.resolve(),
    ping: () => store.ping(),
    close: () => new Promise<void>((resolve) => resolve(store.close())),
  };
  return withStoreTimeout(handle, timeoutMs);
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Key prefix of the sessions. Default `sess:`. */
  prefix?: string;
  /** Time limit of every store operation, in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Where outages and reconnections are logged (pino-compatible). Default: nowhere. */
  logger?: LoggerLike;
}

/**
 * The official Redis client, loaded when a Redis store is made: it and its modules are about a quarter of
 * what loading the package costs, and a host on memory or SQLite sessions never uses them.
 */
function loadRedis(): typeof import('redis') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('redis') as typeof import('redis');
}

/**
 * Sessions in Redis (connect-redis and the official client), for several instances. While Redis is down,
 * operations fail at once (no offline queue) and pages answer 503; the client reconnects by itself.
 * `cognitoAuth()` keeps its rate-limit counts in the same Redis, so that every instance shares them.
 */
export function createRedisStore(options: RedisStoreOptions): SessionStoreHandle {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const handle = createRedisSessionStore(options.url, options.logger ?? SILENT_LOGGER, options.prefix, timeoutMs);
  return withStoreTimeout(handle, timeoutMs);
}

/**
 * {@link createRedisStore} without the time limit on its operations (tests look under it); `closeTimeoutMs`
 * bounds only the PING that `close()` waits for.
 */
export function createRedisSessionStore(
  url: string,
  logger: LoggerLike,
  prefix = 'sess:',
  closeTimeoutMs = DEFAULT_STORE_TIMEOUT_MS,
): SessionStoreHandle {
  const client = loadRedis().createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
  });
  let down = false;
  client.on('error', (err: Error) => {
    // node-redis reports every failed reconnection: log the outage once.
    if (!down) logger.error({ errName: err.name, reason: err.message }, 'session store (Redis) unavailable');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({}, 'session store (Redis) reconnected');
    down = false;
  });
  const ready = client.connect().then(() => undefined);
  ready.catch(() => undefined);
  const store = new RedisStore({ client, prefix });
  return {
    store,
    userSessions: userSessionIndexFor(store),
    ready,
    sendCommand: (...args: string[]) => client.sendCommand(args),
    ping: async () => {
      try {
        return client.isReady && (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    // Not QUIT, which waits for Redis however long it takes: a Redis that never came up, is down or is
    // paused never answers. Commands already sent (a rate-limit count corrected after its response) are
    // answered before a PING is; that PING gets the store's time limit, then the connection is closed.
    close: async () => {
      if (!client.isOpen) return;
      if (client.isReady)
        await settleWithin(
          client.ping().then(
            () => undefined,
            () => undefined,
          ),
          closeTimeoutMs,
          undefined,
        );
      if (client.isOpen) client.destroy();
    },
  };
}
