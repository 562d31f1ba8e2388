import path from 'node:path';
import pino from 'pino';
import { createRedisSessionStore, createSessionStore, type SessionStoreHandle } from '../../../src/sessions';
import type { TargetSpec } from './types';

/** A target's store, and how many writes (set or touch) it has taken so far. */
export interface CountedStore extends SessionStoreHandle {
  writes(): number;
}

/** Counts set and touch calls on the instance, before any middleware captures the methods. */
function countWrites(handle: SessionStoreHandle): CountedStore {
  let writes = 0;
  const store = handle.store;
  const set = store.set.bind(store);
  store.set = (sid, data, cb) => ((writes += 1), set(sid, data, cb));
  if (store.touch) {
    const touch = store.touch.bind(store);
    store.touch = (sid, data, cb) => ((writes += 1), touch(sid, data, cb));
  }
  return { ...handle, writes: () => writes };
}

/**
 * The session store of a target, made by the app's own factories (same SQLite store, same Redis client
 * settings), or undefined for a target without one. Writes are counted: the touch/cookie cost is about them.
 */
export async function openTargetStore(spec: TargetSpec): Promise<CountedStore | undefined> {
  const quiet = pino({ level: 'silent' });
  let handle: SessionStoreHandle;
  switch (spec.store) {
    case 'memory':
    case 'sqlite':
      handle = createSessionStore({ dataDir: path.join(spec.dataDir, 'sessions'), session: { store: spec.store } as never }, quiet);
      break;
    case 'redis':
      handle = createRedisSessionStore(spec.redisUrl, quiet, spec.redisPrefix);
      break;
    default:
      return undefined;
  }
  await handle.ready;
  return countWrites(handle);
}
