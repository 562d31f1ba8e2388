import session from 'express-session';
import { CognitoAuthError } from '../errors';
import type { UserSessionIndex } from './user-sessions';
import { SessionStoreFailingError, SessionStoreTimeoutError } from './errors';
import { registerUserSessionIndex } from './store-indexes';
import type { SessionStoreHandle } from './store-handle';

type Callback<T = unknown> = (err?: unknown, value?: T) => void;

/**
 * After a store operation fails, the following ones fail at once for this long, in milliseconds: a
 * request then waits for at most one time limit (not one per operation it makes), and a hung store is
 * not sent every request's commands to answer later.
 */
const FAIL_FAST_MS = 1000;

const isNoSuchSession = (err: unknown) => (err as { code?: unknown } | undefined)?.code === 'ENOENT';

/**
 * Every store failure becomes the 503 "sessions unavailable" error, wherever it surfaces (the session
 * middleware, a regenerate at sign-in, a destroy at sign-out). ENOENT keeps its meaning for
 * express-session: "no such session".
 */
function storeFailure(err: unknown): unknown {
  if (err instanceof CognitoAuthError || isNoSuchSession(err)) return err;
  return new CognitoAuthError('session_store_unavailable', 'session store failed', { cause: err });
}

/**
 * Runs one callback-style store operation with a time limit. The callback is called exactly once: with
 * the store's answer, or with a {@link SessionStoreTimeoutError} when the time is up; an answer that
 * arrives later is dropped.
 */
export function callWithTimeout<T>(operation: string, timeoutMs: number, cb: Callback<T> | undefined, run: (done: Callback<T>) => void): void {
  let settled = false;
  const finish: Callback<T> = (err, value) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (err) cb?.(storeFailure(err));
    else cb?.(undefined, value);
  };
  // unref: a pending time limit must not keep a stopping process alive.
  const timer = setTimeout(() => finish(new SessionStoreTimeoutError(operation, timeoutMs)), timeoutMs).unref();
  try {
    run(finish);
  } catch (err) {
    // Thrown by the store: its failure. Thrown once answered: the caller's own callback, not ours to hide.
    if (settled) throw err;
    finish(err);
  }
}

/** Settles with `promise`, or with `fallback` once `timeoutMs` has passed without an answer. */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs).unref();
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An express-session store that gives every operation of the store it wraps a time limit, so a store
 * that keeps its connection open but never answers (Redis paused, SQLite locked) costs a request at most
 * `timeoutMs` and a 503 page instead of hanging it. After a failure, operations fail at once for a second;
 * then they are tried again, so service resumes by itself. Optional operations exist only when the
 * wrapped store has them (express-session touches only stores that implement `touch`).
 */
export class TimedStore extends session.Store {
  private failingUntil = 0;

  constructor(
    private readonly inner: session.Store,
    private readonly timeoutMs: number,
  ) {
    super();
    // express-session stops using a store that says it is disconnected, and resumes when it reconnects.
    inner.on('disconnect', () => this.emit('disconnect'));
    inner.on('connect', () => this.emit('connect'));
    if (inner.touch) {
      const touch = inner.touch.bind(inner);
      this.touch = (sid, sess, cb) => this.call('touch', cb, (done) => touch(sid, sess, done));
    }
    if (inner.all) {
      const all = inner.all.bind(inner);
      this.all = (cb) => this.call('all', cb, (done) => all(done));
    }
    if (inner.length) {
      const length = inner.length.bind(inner);
      this.length = (cb) => this.call('length', cb, (done) => length(done));
    }
    if (inner.clear) {
      const clear = inner.clear.bind(inner);
      this.clear = (cb) => this.call('clear', cb, (done) => clear(done));
    }
  }

  override get(sid: string, cb: (err: unknown, sess?: session.SessionData | null) => void): void {
    this.call<session.SessionData | null>(
      'get',
      (err, sess) => cb(err, sess),
      (done) => this.inner.get(sid, done),
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.call('set', cb, (done) => this.inner.set(sid, sess, done));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.call('destroy', cb, (done) => this.inner.destroy(sid, done));
  }

  /**
   * Runs any other work on the same store (a raw Redis command) under the same time limit, failing at
   * once after a failure just like the store's own operations.
   */
  callAsync<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.call<T>(
        operation,
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the store callback's error, passed on as it came
        (err, value) => (err ? reject(err) : resolve(value as T)),
        (done) => {
          work().then((value) => done(undefined, value), done);
        },
      );
    });
  }

  /** The store answered some other way (the readiness ping): stop failing at once. */
  markAnswering(): void {
    this.failingUntil = 0;
  }

  private call<T>(operation: string, cb: Callback<T> | undefined, run: (done: Callback<T>) => void): void {
    if (Date.now() < this.failingUntil) {
      const err = storeFailure(new SessionStoreFailingError(operation));
      setImmediate(() => cb?.(err));
      return;
    }
    callWithTimeout<T>(
      operation,
      this.timeoutMs,
      (err, value) => {
        this.failingUntil = err && !isNoSuchSession(err) ? Date.now() + FAIL_FAST_MS : 0;
        if (err) cb?.(err);
        else cb?.(undefined, value);
      },
      run,
    );
  }
}

/**
 * The same store handle with a time limit on every store operation ({@link TimedStore}), on every raw
 * Redis command (rejected when late) and on the readiness ping (false when late; true ends failing fast).
 */
export function withStoreTimeout(handle: SessionStoreHandle, timeoutMs: number): SessionStoreHandle {
  const { sendCommand } = handle;
  const store = new TimedStore(handle.store, timeoutMs);
  const userSessions = timedIndex(store, handle.userSessions);
  // A host's own express-session over `handle.store` finds the index (and the guard against ended
  // sessions written back) through the timed store it is given.
  registerUserSessionIndex(store, userSessions);
  return {
    ...handle,
    store,
    ping: async () => {
      const answering = await settleWithin(
        handle.ping().catch(() => false),
        timeoutMs,
        false,
      );
      if (answering) store.markAnswering();
      return answering;
    },
    userSessions,
    ...(sendCommand ? { sendCommand: timedCommand(store, sendCommand) } : {}),
  };
}

/** The per-user session index under the store's time limit: on Redis it talks to the same connection. */
function timedIndex(store: TimedStore, index: UserSessionIndex): UserSessionIndex {
  return {
    add: (...args) => store.callAsync('index add', () => index.add(...args)),
    remove: (...args) => store.callAsync('index remove', () => index.remove(...args)),
    list: (...args) => store.callAsync('index list', () => index.list(...args)),
    markEnded: (...args) => store.callAsync('index markEnded', () => index.markEnded(...args)),
    wasEnded: (...args) => store.callAsync('index wasEnded', () => index.wasEnded(...args)),
  };
}

/**
 * A raw command under the store's time limit. An error Redis answers with (NOSCRIPT, which makes
 * rate-limit-redis load its script again) reaches the caller as it is: only silence counts as failing.
 */
function timedCommand(
  store: TimedStore,
  sendCommand: NonNullable<SessionStoreHandle['sendCommand']>,
): NonNullable<SessionStoreHandle['sendCommand']> {
  return async (...args) => {
    const outcome = await store.callAsync(args[0] ?? 'command', () =>
      sendCommand(...args).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
}
