import type session from 'express-session';

/** How long an ended session id stays marked, in ms: longer than any request that loaded it can run. */
export const ENDED_MARK_MS = 10 * 60 * 1000;

/**
 * The per-user index of session ids, kept in the session store itself so that every instance sharing the
 * store sees it. It is written when a session starts or ends, never on an ordinary request: ending "all
 * sessions of a user" costs nothing until it happens. Entries expire with the sessions they list.
 */
export interface UserSessionIndex {
  /** Records that session `sid` belongs to the user `sub` until `expiresAt` (ms since the epoch). */
  add(sub: string, sid: string, expiresAt: number): Promise<void>;
  /** Forgets one session of `sub` (signed out, or replaced by a new id). */
  remove(sub: string, sid: string): Promise<void>;
  /** The ids of the sessions of `sub` that have not expired. */
  list(sub: string): Promise<string[]>;
  /**
   * Marks session ids as ended until `until` (ms), so that a request of theirs still in flight cannot
   * write them back into the store after they were destroyed.
   */
  markEnded(sids: string[], until: number): Promise<void>;
  /** True when `sid` was marked ended and the mark has not expired. */
  wasEnded(sid: string): Promise<boolean>;
}

/** One ended session as it was in the store just before it was destroyed. */
export interface EndedSession {
  sid: string;
  data: session.SessionData | null;
}

/** One session of a user as the store holds it now. */
export type StoredSession = EndedSession;

function readSession(store: session.Store, sid: string): Promise<session.SessionData | null> {
  return new Promise((resolve, reject) => store.get(sid, (err, sess) => (err ? reject(err) : resolve(sess ?? null))));
}

/**
 * The sessions of `sub` that the index lists and the store still holds (the "where you're signed in"
 * page): one read per session, only when the page is asked for. An id whose session left the store
 * (it expired unused) is not shown.
 */
export async function readUserSessions(index: UserSessionIndex, store: session.Store, sub: string): Promise<StoredSession[]> {
  const sessions: StoredSession[] = [];
  for (const sid of await index.list(sub)) {
    const data = await readSession(store, sid);
    if (data) sessions.push({ sid, data });
  }
  return sessions;
}

/**
 * Ends every session of `sub` but `except` (or `only` that one), on every instance sharing the store: marks each ended,
 * reads it (the caller may revoke its tokens), destroys it in the store and forgets it.
 */
export async function endUserSessions(
  index: UserSessionIndex,
  store: session.Store,
  sub: string,
  options: { except?: string | undefined; only?: string | undefined } = {},
): Promise<EndedSession[]> {
  // `only` ends one session, and only one the index lists under `sub`: never another user's.
  const sids = (await index.list(sub)).filter((sid) => sid !== options.except && (options.only === undefined || sid === options.only));
  if (sids.length === 0) return [];
  // Marked before destroyed: a request that saves one of them afterwards finds the mark and destroys it.
  await index.markEnded(sids, Date.now() + ENDED_MARK_MS);
  const ended: EndedSession[] = [];
  for (const sid of sids) {
    const data = await readSession(store, sid);
    await new Promise<void>((resolve, reject) => store.destroy(sid, (err) => (err ? reject(err) : resolve())));
    await index.remove(sub, sid);
    ended.push({ sid, data });
  }
  return ended;
}

/** How often the memory index drops expired entries, at most (on the next `add`). */
const MEMORY_SWEEP_MS = 60_000;

/** The index for express-session's MemoryStore (tests, one process): two Maps, swept on write. */
export function createMemoryUserSessionIndex(clock: () => number = Date.now): UserSessionIndex {
  const byUser = new Map<string, Map<string, number>>();
  const ended = new Map<string, number>();
  let lastSweep = 0;

  function sweep(now: number): void {
    lastSweep = now;
    for (const [sub, sessions] of byUser) {
      for (const [sid, expiresAt] of sessions) if (expiresAt <= now) sessions.delete(sid);
      if (sessions.size === 0) byUser.delete(sub);
    }
    for (const [sid, until] of ended) if (until <= now) ended.delete(sid);
  }

  return {
    add(sub, sid, expiresAt) {
      const now = clock();
      if (now - lastSweep >= MEMORY_SWEEP_MS) sweep(now);
      const sessions = byUser.get(sub) ?? new Map<string, number>();
      sessions.set(sid, expiresAt);
      byUser.set(sub, sessions);
      return Promise.resolve();
    },
    remove(sub, sid) {
      const sessions = byUser.get(sub);
      sessions?.delete(sid);
      if (sessions?.size === 0) byUser.delete(sub);
      return Promise.resolve();
    },
    list(sub) {
      const now = clock();
      return Promise.resolve([...(byUser.get(sub) ?? new Map<string, number>())].filter(([, expiresAt]) => expiresAt > now).map(([sid]) => sid));
    },
    markEnded(sids, until) {
      for (const sid of sids) ended.set(sid, until);
      return Promise.resolve();
    },
    wasEnded(sid) {
      return Promise.resolve((ended.get(sid) ?? 0) > clock());
    },
  };
}
