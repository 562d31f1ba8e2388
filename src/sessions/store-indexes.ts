import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { createRedisUserSessionIndex } from './redis-user-sessions';
import { SqliteSessionStore } from './sqlite-store';
import { createMemoryUserSessionIndex, type UserSessionIndex } from './user-sessions';

/** One index per store object, so that two apps sharing a store (tests, the benchmark) share it too. */
const indexes = new WeakMap<session.Store, UserSessionIndex>();

/**
 * The index that lives in `store`: the store itself for SQLite, keys beside the sessions for Redis
 * (connect-redis), Maps for the MemoryStore. Any other store needs its index passed explicitly.
 */
export function userSessionIndexFor(store: session.Store): UserSessionIndex {
  const index = knownUserSessionIndexFor(store);
  if (!index) throw new Error('no per-user session index for this session store: pass one (sessionIndex)');
  return index;
}

/**
 * Records the index kept beside `store` (a store that wraps a known one, such as the timed store of the
 * factories), so that a host's express-session over it finds the index too.
 */
export function registerUserSessionIndex(store: session.Store, index: UserSessionIndex): void {
  indexes.set(store, index);
}

/** {@link userSessionIndexFor}, or undefined for a store the package does not know. */
export function knownUserSessionIndexFor(store: session.Store): UserSessionIndex | undefined {
  const known = indexes.get(store);
  if (known) return known;
  let index: UserSessionIndex;
  if (store instanceof SqliteSessionStore) index = store.userSessions;
  else if (store instanceof RedisStore) index = createRedisUserSessionIndex(store.client, store.prefix);
  else if (store instanceof session.MemoryStore) index = createMemoryUserSessionIndex();
  else return undefined;
  indexes.set(store, index);
  return index;
}
