import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { logOf } from '../log';
import { hideTokens, withTokensInline } from './hidden-tokens';
import { isSignedInSession } from './session-state';
import { CognitoAuthError } from '../errors';
import { guardHostStore, IndexedSessionStore } from '../sessions/indexed-store';
import { anonymousSessionLifetime, sessionLifetime, type LifetimeSettings } from './lifetimes';
import type { UserSessionIndex } from '../sessions/user-sessions';
import { userSessionIndexFor } from '../sessions/store-indexes';

/** How the package's own sessions are made. */
export interface OwnSessionSettings extends LifetimeSettings {
  cookieName: string;
  secret: string | string[];
  /** `Secure` cookie (production). */
  secure: boolean;
  store: session.Store;
  /** The per-user index of session ids; defaults to the one `store` keeps (SQLite, Redis, memory). */
  index?: UserSessionIndex | undefined;
}

/** The session middleware and the indexed store it writes to. */
export interface SessionMiddleware {
  /** Runs once per request however often it is mounted (router, `context()`, `requiresAuth()`). */
  handler: RequestHandler;
  store: IndexedSessionStore;
}

/**
 * Runs `handlers` in order, once per request (`marker` remembers it). A handler that throws hands its
 * error to `next`: the later ones run in express-session's store callback, where Express catches nothing.
 */
function once(marker: symbol, handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    const r = req as Request & Record<symbol, boolean>;
    if (r[marker]) return next();
    r[marker] = true;
    let i = 0;
    const step = (err?: unknown): void => {
      const handler = handlers[i];
      i += 1;
      if (err !== undefined || !handler) return next(err as Error | undefined);
      const at = i;
      try {
        handler(req, res, step);
      } catch (thrown) {
        // Only when the handler had not gone on yet: a throw further down is not this chain's.
        if (i === at) step(thrown);
        else throw thrown;
      }
    };
    step();
  };
}

/**
 * express-session with the package's cookie and lifetimes, over the store with its per-user session
 * index. A failing store (Redis down) turns into a 503 page instead of a 500: the process lives on and
 * serves again once the store is back. When a session from elsewhere (the host's express-session) is
 * already on the request, that is a configuration error, named as such.
 */
export function createSessionMiddleware(settings: OwnSessionSettings): SessionMiddleware {
  const store = new IndexedSessionStore(settings.store, settings.index ?? userSessionIndexFor(settings.store), isSignedInSession);
  // express-session touches a store that can on every request that changes nothing (and `rolling` would
  // re-sign and re-send the cookie on every response): a store write per request. Instead a session in
  // use is refreshed at most once a minute (lifetimes.ts), which stores it and re-sends its cookie.
  delete store.touch;
  keepTokensOutOfTheChangeCheck(store);
  const handler = session({
    name: settings.cookieName,
    secret: settings.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secure,
      path: '/',
      maxAge: settings.idleMs,
    },
  });
  const withStoreErrors = (req: Request, res: Response, next: NextFunction): void => {
    if (req.session && (req.sessionStore as unknown) !== store) {
      next(
        new CognitoAuthError(
          'session_conflict',
          'another express-session already runs before cognitoAuth(): leave out its `session` option to use the host’s session',
        ),
      );
      return;
    }
    handler(req, res, (err?: unknown) => {
      if (err && res.headersSent) {
        // express-session saves at the end of the response: the page is on its way and cannot change.
        const causeName = (err as { cause?: { name?: unknown } }).cause?.name ?? (err as { name?: unknown }).name;
        logOf(req).error({ errCode: 'session_store_unavailable', causeName }, 'session not saved');
        return;
      }
      if (err) return next(new CognitoAuthError('session_store_unavailable', 'session store failed', { cause: err }));
      next();
    });
  };
  const lifetime = sessionLifetime(settings);
  // One marker per router: two routers with sessions of their own on one request meet the conflict check.
  return {
    handler: once(Symbol('express-cognito-signin.session'), [withStoreErrors, lifetime, anonymousSessionLifetime(settings.clock, settings.scope)]),
    store,
  };
}

/**
 * express-session stringifies and hashes the whole session on load, before setting its cookie and before
 * saving, to see whether it changed: on a signed-in session that is mostly the three tokens, which an
 * ordinary request never changes. Sessions it loads from `store` get their tokens and claims hidden from that
 * check (`createSession` runs between the store's answer and the first hash), and every write puts them
 * back inline, so the store holds the same record as before. Only the package's own session: the host's
 * express-session is left as it is.
 */
function keepTokensOutOfTheChangeCheck(store: IndexedSessionStore): void {
  const createSession = store.createSession.bind(store);
  store.createSession = (req, sess) => {
    hideTokens(sess);
    return createSession(req, sess);
  };
  const set = store.set.bind(store);
  store.set = (sid, sess, cb) => set(sid, withTokensInline(sess), cb);
}

/**
 * The host's express-session, checked: the package's sign-in lifetimes apply to its own state in it, and
 * writes to a store the package knows are guarded against bringing back an ended session
 * ({@link guardHostStore}). A request without `req.session` is a configuration error naming the fix.
 */
export function createHostSessionCheck(settings: LifetimeSettings): RequestHandler {
  const lifetime = sessionLifetime(settings);
  const check = (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.session) {
      next(
        new CognitoAuthError(
          'session_missing',
          'cognitoAuth() found no req.session: run express-session before it, or give cognitoAuth() a `session` option',
        ),
      );
      return;
    }
    guardHostStore(req.sessionStore, isSignedInSession);
    next();
  };
  return once(Symbol('express-cognito-signin.session'), [check, lifetime]);
}
