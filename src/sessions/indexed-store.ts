import type { Request } from 'express';
import session from 'express-session';
import { settle } from '../settle';
import { endUserSessions, ENDED_MARK_MS, readUserSessions, type EndedSession, type StoredSession, type UserSessionIndex } from './user-sessions';
import { knownUserSessionIndexFor } from './store-indexes';

type Callback<T = unknown> = (err?: unknown, value?: T) => void;

/**
 * True for a session (as the store holds it) in which someone is signed in: only such a session's writes
 * are checked against the ended ids. Passed in by the sign-in layer, which knows what a sign-in looks like.
 */
export type IsSignedIn = (sess: session.SessionData) => boolean;

/** A store's own write and delete, as the guard below calls them. */
interface WriteAndDelete {
  set(sid: string, sess: session.SessionData, cb: Callback): void;
  destroy(sid: string, cb: Callback): void;
}

/**
 * Writes a session, then, for one with someone signed in, checks that its id was not ended meanwhile (a
 * request that loaded it before a sign-out, an expiry or "sign out everywhere" and saves it after): if it
 * was, or if the check itself fails, the write is undone. Written before checked, so no interleaving brings
 * it back: an end marks the id before it destroys the session.
 */
function setUnlessEnded(
  store: WriteAndDelete,
  index: UserSessionIndex,
  isSignedIn: IsSignedIn,
  sid: string,
  sess: session.SessionData,
  cb?: Callback,
): void {
  store.set(sid, sess, (err) => {
    if (err || !isSignedIn(sess)) return cb?.(err);
    settle(
      index.wasEnded(sid),
      (ended) => (ended ? store.destroy(sid, (destroyErr) => cb?.(destroyErr)) : cb?.()),
      // Not knowing whether it was ended, the write is undone (fail closed): at worst the person signs
      // in again, never an ended session coming back.
      (checkErr) => store.destroy(sid, () => cb?.(checkErr)),
    );
  });
}

/**
 * The session store the package's own middleware uses: the configured store, with the per-user index
 * beside it. Reads, touches and deletes go straight through; writes of signed-in sessions are guarded
 * against bringing back an ended one ({@link setUnlessEnded}). Ordinary signed-in requests only read the
 * session (one in use is written at most once a minute), so they never pay for the guard.
 */
export class IndexedSessionStore extends session.Store implements SessionIndexAccess {
  constructor(
    readonly inner: session.Store,
    readonly index: UserSessionIndex,
    private readonly isSignedIn: IsSignedIn,
  ) {
    super();
    if (inner.all) this.all = (cb) => inner.all!(cb);
    if (inner.length) this.length = (cb) => inner.length!(cb);
    if (inner.clear) this.clear = (cb) => inner.clear!(cb);
    if (inner.touch) this.touch = (sid, sess, cb) => inner.touch!(sid, sess, cb);
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    this.inner.get(sid, cb as never);
  }

  override destroy(sid: string, cb?: Callback): void {
    this.inner.destroy(sid, cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    setUnlessEnded(
      { set: (id, data, done) => this.inner.set(id, data, done), destroy: (id, done) => this.inner.destroy(id, done) },
      this.index,
      this.isSignedIn,
      sid,
      sess,
      cb,
    );
  }

  add(sub: string, sid: string, expiresAt: number): Promise<void> {
    return this.index.add(sub, sid, expiresAt);
  }

  remove(sub: string, sid: string): Promise<void> {
    return this.index.remove(sub, sid);
  }

  markEnded(sid: string): Promise<void> {
    return this.index.markEnded([sid], Date.now() + ENDED_MARK_MS);
  }

  endSessionsOf(sub: string, options: EndOptions = {}): Promise<EndedSession[]> {
    return endUserSessions(this.index, this.inner, sub, options);
  }

  readonly known = true;

  sessionsOf(sub: string): Promise<StoredSession[]> {
    return readUserSessions(this.index, this.inner, sub);
  }
}

/** Which of a user's sessions to end: all but `except`, or `only` one (ignored unless it is the user's). */
export interface EndOptions {
  except?: string | undefined;
  only?: string | undefined;
}

/** What signing in and out asks of the per-user session index behind a request's session. */
export interface SessionIndexAccess {
  /** Lists session `sid` under the user `sub` until `expiresAt` (ms). */
  add(sub: string, sid: string, expiresAt: number): Promise<void>;
  /** Forgets one session of `sub` (ended, or moved to a new id). */
  remove(sub: string, sid: string): Promise<void>;
  /** Marks `sid` as ended, so that no request still in flight can write it back (call before destroying it). */
  markEnded(sid: string): Promise<void>;
  /** Ends every session of `sub` but `except` (or `only` that one), on every instance sharing the store. */
  endSessionsOf(sub: string, options?: EndOptions): Promise<EndedSession[]>;
  /** False where the package keeps no index for the store: the sessions of a user cannot be listed. */
  readonly known: boolean;
  /** The sessions of `sub` the store holds, as it holds them (empty where `known` is false). */
  sessionsOf(sub: string): Promise<StoredSession[]>;
}

/**
 * Where the host's own session store has no index the package knows: only this session is the package's
 * to end, and nothing stops a request in flight from writing an ended one back (see docs/api.md).
 */
const NO_INDEX: SessionIndexAccess = {
  add: () => Promise.resolve(),
  remove: () => Promise.resolve(),
  markEnded: () => Promise.resolve(),
  endSessionsOf: () => Promise.resolve([]),
  known: false,
  sessionsOf: () => Promise.resolve([]),
};

/** Host stores whose writes are already guarded. */
const guarded = new WeakSet<session.Store>();

/**
 * Guards the writes of the host's own express-session store (one the package keeps an index for) as the
 * package's own store guards its own: a signed-in session whose id was ended is not written back. The
 * store's `set` is wrapped once, in place, so that every write is guarded, whichever route of the host
 * makes it. The check is one index read per write of a signed-in session; with the host's express-session
 * set to `resave: false` (its advice) a session is written only when something in it changed.
 */
export function guardHostStore(store: session.Store | undefined, isSignedIn: IsSignedIn): void {
  if (!store || store instanceof IndexedSessionStore || guarded.has(store)) return;
  const index = knownUserSessionIndexFor(store);
  guarded.add(store);
  if (!index) return;
  const set = store.set.bind(store);
  const destroy = store.destroy.bind(store);
  store.set = (sid, sess, cb) => setUnlessEnded({ set, destroy }, index, isSignedIn, sid, sess, cb);
}

/**
 * The per-user index behind this request's session: the package's own indexed store, or (on the host's
 * express-session) the index kept beside a store the package knows (memory, SQLite, connect-redis).
 */
export function indexAccessOf(req: Request): SessionIndexAccess {
  const store = req.sessionStore;
  if (store instanceof IndexedSessionStore) return store;
  const index = store ? knownUserSessionIndexFor(store) : undefined;
  if (!index) return NO_INDEX;
  return {
    add: (sub, sid, expiresAt) => index.add(sub, sid, expiresAt),
    remove: (sub, sid) => index.remove(sub, sid),
    markEnded: (sid) => index.markEnded([sid], Date.now() + ENDED_MARK_MS),
    endSessionsOf: (sub, options = {}) => endUserSessions(index, store, sub, options),
    known: true,
    sessionsOf: (sub) => readUserSessions(index, store, sub),
  };
}
