import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createMemoryStore, createRedisStore, createSqliteStore, type LoggerLike, type SessionStoreHandle } from '../index';
import type { AppConfig } from './config';

/**
 * Creates the configured session store: `sqlite` (default, a file under DATA_DIR), `redis` (REDIS_URL;
 * for several instances) or `memory` (tests; refused in production by config validation). Every store
 * operation and the readiness ping answer within SESSION_STORE_TIMEOUT_MS.
 */
export function createSessionStore(config: Pick<AppConfig, 'dataDir' | 'session'>, logger: LoggerLike): SessionStoreHandle {
  const timeoutMs = config.session.storeTimeoutMs;
  switch (config.session.store) {
    case 'memory':
      return createMemoryStore({ timeoutMs });
    case 'redis':
      return createRedisStore({ url: config.session.redisUrl as string, timeoutMs, logger });
    case 'sqlite':
      return createSqliteStore({ file: path.join(config.dataDir, 'sessions.sqlite'), timeoutMs });
  }
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
