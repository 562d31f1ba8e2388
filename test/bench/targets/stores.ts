import path from 'node:path';
import { createMemoryStore, createRedisStore, createSqliteStore, type SessionStoreHandle } from '../../../src/index';
import type { TargetSpec } from './types';

/** A target's store, and the writes (set or touch) it has taken. */
export interface CountedStore extends SessionStoreHandle {
  /** Writes so far. */
  writes(): number;
  /** From now on, note when each session is written (the measured windows; sign-ins also write the user index). */
  startLog(): void;
  stopLog(): void;
  /** The most writes one session took within any `spanMs` while the log was on. */
  busiestSession(spanMs: number): number;
}

/** The most timestamps of one list that fit within any `spanMs` (each list sorted). */
function mostWithin(lists: Iterable<number[]>, spanMs: number): number {
  let most = 0;
  for (const times of lists) {
    let first = 0;
    for (let last = 0; last < times.length; last += 1) {
      while ((times[last] as number) - (times[first] as number) >= spanMs) first += 1;
      most = Math.max(most, last - first + 1);
    }
  }
  return most;
}

/**
 * Counts set and touch calls on the store instance, and while the log is on notes when each session id
 * was written. The package's own session wraps the store (its per-user index, its time limits) and calls
 * these at call time, so every write it makes is counted.
 */
function countWrites(handle: SessionStoreHandle): CountedStore {
  let writes = 0;
  let log: Map<string, number[]> | undefined;
  const note = (sid: string) => {
    writes += 1;
    if (!log) return;
    const times = log.get(sid);
    if (times) times.push(Date.now());
    else log.set(sid, [Date.now()]);
  };
  const logged = new Map<string, number[]>();
  const store = handle.store;
  const set = store.set.bind(store);
  store.set = (sid, data, cb) => (note(sid), set(sid, data, cb));
  if (store.touch) {
    const touch = store.touch.bind(store);
    store.touch = (sid, data, cb) => (note(sid), touch(sid, data, cb));
  }
  return Object.assign(handle, {
    writes: () => writes,
    startLog: () => {
      log = logged;
    },
    stopLog: () => {
      log = undefined;
    },
    busiestSession: (spanMs: number) => mostWithin(logged.values(), spanMs),
  });
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
