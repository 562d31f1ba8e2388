import path from 'node:path';
import { createMemoryStore, createRedisStore, createSqliteStore, type SessionStoreHandle } from '../../../src/index';
import type { TargetSpec } from './types';

/** A target's store, and how many writes (set or touch) it has taken so far. */
export interface CountedStore extends SessionStoreHandle {
  writes(): number;
}

/**
 * Counts set and touch calls on the store instance. The package's own session wraps the store (its
 * per-user index, its time limits) and calls these at call time, so every write it makes is counted.
 */
function countWrites(handle: SessionStoreHandle): CountedStore {
  let writes = 0;
  const store = handle.store;
  const set = store.set.bind(store);
  store.set = (sid, data, cb) => ((writes += 1), set(sid, data, cb));
  if (store.touch) {
    const touch = store.touch.bind(store);
    store.touch = (sid, data, cb) => ((writes += 1), touch(sid, data, cb));
  }
  return Object.assign(handle, { writes: () => writes });
}

/**
 * The session store of a target, made by the package's own factories (what a host passes as
 * `session.store`), or undefined for a target without one. Writes are counted: the touch/cookie cost is
 * about them.
 */
export async function openTargetStore(spec: TargetSpec): Promise<CountedStore | undefined> {
  let handle: SessionStoreHandle;
  switch (spec.store) {
    case 'memory':
      handle = createMemoryStore();
      break;
    case 'sqlite':
      handle = createSqliteStore({ file: path.join(spec.dataDir, 'sessions.sqlite') });
      break;
    case 'redis':
      handle = createRedisStore({ url: spec.redisUrl, prefix: spec.redisPrefix });
      break;
    default:
      return undefined;
  }
  await handle.ready;
  return countWrites(handle);
}
