import type { Request } from 'express';
import session from 'express-session';
import { isSignedInSession } from '../auth/session-state';
import { endUserSessions, knownUserSessionIndexFor, type EndedSession, type UserSessionIndex } from './user-sessions';

type Callback<T = unknown> = (err?: unknown, value?: T) => void;

/**
 * The session store the app's middleware uses: the configured store, with the per-user index beside it.
 * Reads, touches and deletes go straight through. A write of a signed-in session checks afterwards that
 * the session was not ended meanwhile (a request that loaded it before "sign out everywhere" and saves
 * it after): if it was, or if the check itself fails, the write is undone. Written before checked, so no
 * interleaving brings it back.
 * Ordinary signed-in requests only read the session (one in use is written at most once a minute), so they
 * never pay for this.
 */
export class IndexedSessionStore extends session.Store implements SessionIndexAccess {
  constructor(
    readonly inner: session.Store,
    readonly index: UserSessionIndex,
    /** The absolute session lifetime (ms): no session outlives its sign-in by more, nor its index entry. */
    private readonly absoluteMs: number,
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
    this.inner.set(sid, sess, (err) => {
      if (err || !isSignedInSession(sess)) return cb?.(err);
      this.index.wasEnded(sid).then(
        (ended) => (ended ? this.inner.destroy(sid, cb) : cb?.()),
        // Not knowing whether it was ended, the write is undone (fail closed): at worst the person
        // signs in again, never a session ended by "sign out everywhere" coming back.
        (checkErr: unknown) => this.inner.destroy(sid, () => cb?.(checkErr)),
      );
    });
  }

  /** Adds a freshly started session of `sub` to the index, for as long as it can live. */
  register(sub: string, sid: string, signedInAt: number): Promise<void> {
    return this.index.add(sub, sid, signedInAt + this.absoluteMs);
  }

  /** Removes a session that ended normally from the index. */
  unregister(sub: string, sid: string): Promise<void> {
    return this.index.remove(sub, sid);
  }

  /** Ends every session of `sub` but `except`, on every instance sharing the store. */
  endSessionsOf(sub: string, options: { except?: string | undefined } = {}): Promise<EndedSession[]> {
    return endUserSessions(this.index, this.inner, sub, options);
  }
}

/** What signing in and out asks of the per-user session index. */
export interface SessionIndexAccess {
  register(sub: string, sid: string, signedInAt: number): Promise<void>;
  unregister(sub: string, sid: string): Promise<void>;
  endSessionsOf(sub: string, options?: { except?: string | undefined }): Promise<EndedSession[]>;
}

/** Where the host's own session store has no index the package knows: only this session is the package's to end. */
const NO_INDEX: SessionIndexAccess = {
  register: async () => undefined,
  unregister: async () => undefined,
  endSessionsOf: async () => [],
};

/**
 * The per-user index behind this request's session: the package's own indexed store, or (on the host's
 * express-session) the index kept beside a store the package knows (memory, SQLite, connect-redis).
 * The host's sessions get no check against writes of ended sessions: see docs/api.md.
 */
export function indexAccessOf(req: Request, absoluteMs: number): SessionIndexAccess {
  const store = req.sessionStore;
  if (store instanceof IndexedSessionStore) return store;
  const index = store ? knownUserSessionIndexFor(store) : undefined;
  if (!index) return NO_INDEX;
  return {
    register: (sub, sid, signedInAt) => index.add(sub, sid, signedInAt + absoluteMs),
    unregister: (sub, sid) => index.remove(sub, sid),
    endSessionsOf: (sub, options = {}) => endUserSessions(index, store, sub, options),
  };
}
