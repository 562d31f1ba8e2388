import type { Request } from 'express';
import session from 'express-session';
import { endUserSessions, type EndedSession, type UserSessionIndex } from './user-sessions';

type Callback<T = unknown> = (err?: unknown, value?: T) => void;

/**
 * The session store the app's middleware uses: the configured store, with the per-user index beside it.
 * Reads, touches and deletes go straight through. A write of a signed-in session checks afterwards that
 * the session was not ended meanwhile (a request that loaded it before "sign out everywhere" and saves
 * it after): if it was, the write is undone. Written before checked, so no interleaving brings it back.
 * Ordinary signed-in requests only touch the session, so they never pay for this.
 */
export class IndexedSessionStore extends session.Store {
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
      if (err || !signedIn(sess)) return cb?.(err);
      this.index.wasEnded(sid).then(
        (ended) => (ended ? this.inner.destroy(sid, cb) : cb?.()),
        (checkErr: unknown) => cb?.(checkErr),
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

function signedIn(sess: session.SessionData): boolean {
  return Boolean((sess as { passport?: { user?: unknown } }).passport?.user);
}

/** The indexed store behind a request's session (express-session puts it on `req.sessionStore`). */
export function indexedStoreOf(req: Request): IndexedSessionStore {
  const store = req.sessionStore;
  if (!(store instanceof IndexedSessionStore)) throw new Error('the session middleware is not the app’s own (no session index)');
  return store;
}
