import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { AppConfig } from '../app/config';
import { SqliteSessionStore } from './sqlite-store';
import { withStoreTimeout } from './timed-store';
import { userSessionIndexFor, type UserSessionIndex } from './user-sessions';

/** Sends one raw command on the store's Redis connection (rate-limit-redis's `sendCommand`). */
export type SendRedisCommand = (...args: string[]) => Promise<unknown>;

/** The session store and what the server needs to run it. */
export interface SessionStoreHandle {
  store: session.Store;
  /** The per-user index of session ids kept in the same store (what "end all sessions of X" reads). */
  userSessions: UserSessionIndex;
  /** Resolves once the store can serve (Redis connected); a store that is down later reconnects by itself. */
  ready: Promise<void>;
  /** True when the store answers now (for the readiness check). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Redis only: the store's connection, so that rate-limit counts are shared by every instance. */
  sendCommand?: SendRedisCommand;
}

/**
 * Creates the configured session store: `sqlite` (default, a file under DATA_DIR), `redis` (REDIS_URL;
 * for several instances) or `memory` (tests; refused in production by config validation). Every store
 * operation, the readiness ping and every rate-limit command answer within SESSION_STORE_TIMEOUT_MS.
 */
export function createSessionStore(config: Pick<AppConfig, 'dataDir' | 'session'>, logger: Logger): SessionStoreHandle {
  return withStoreTimeout(createUntimedSessionStore(config, logger), config.session.storeTimeoutMs);
}

function createUntimedSessionStore(config: Pick<AppConfig, 'dataDir' | 'session'>, logger: Logger): SessionStoreHandle {
  switch (config.session.store) {
    case 'memory': {
      const store = new session.MemoryStore();
      return { store, userSessions: userSessionIndexFor(store), ready: Promise.resolve(), ping: async () => true, close: async () => undefined };
    }
    case 'redis':
      return createRedisSessionStore(config.session.redisUrl as string, logger);
    case 'sqlite': {
      fs.mkdirSync(config.dataDir, { recursive: true });
      const store = new SqliteSessionStore(path.join(config.dataDir, 'sessions.sqlite'), { busyTimeoutMs: config.session.storeTimeoutMs });
      return { store, userSessions: store.userSessions, ready: Promise.resolve(), ping: () => store.ping(), close: async () => store.close() };
    }
  }
}

/**
 * Redis through connect-redis and the official client. While Redis is down, commands fail at once (no
 * offline queue), so requests get a 503 page instead of hanging, and the client reconnects by itself.
 */
export function createRedisSessionStore(url: string, logger: Logger, prefix = 'sess:'): SessionStoreHandle {
  const client = createClient({
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
    if (down) logger.info('session store (Redis) reconnected');
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
    close: async () => {
      if (client.isOpen) await client.quit().catch(() => client.destroy());
    },
  };
}

/**
 * Returns SESSION_SECRET, or outside production a secret generated once and kept in
 * `DATA_DIR/session-secret` (mode 0600), so a restart keeps people signed in.
 */
export function resolveSessionSecret(config: Pick<AppConfig, 'dataDir' | 'session'>): string {
  if (config.session.secret) return config.session.secret;
  const file = path.join(config.dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
