import type { NextFunction, Request, Response } from 'express';
import { logOf } from '../auth/request-log';
import { peekState } from '../auth/session-state';
import { SESSION_KEY, type CognitoSessionState } from '../auth/session-user';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/**
 * A session in use is refreshed at most this often: lastSeenAt moves (the idle lifetime counts from it),
 * and the change makes express-session store the session again and re-send its cookie with a new expiry.
 * A busy session is so written once a minute, not on every request.
 */
export const SESSION_REFRESH_MS = 60_000;

/**
 * Enforces the idle and absolute lifetimes of a signed-in session on the server (the cookie's own
 * expiry is only a hint to the browser). An expired sign-in ends before anything reads it and the request
 * goes on signed out: the package's own session is replaced by a fresh anonymous one; on the host's
 * session only the package's state goes.
 */
export function sessionLifetime(options: { idleMs: number; absoluteMs: number; clock: Clock; own: boolean }) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const s = peekState(req);
    if (!s?.createdAt) return next();
    const now = options.clock();
    const lastSeen = s.lastSeenAt ?? s.createdAt;
    if (now - s.createdAt >= options.absoluteMs || now - lastSeen >= options.idleMs) {
      logOf(req).info({ reason: now - s.createdAt >= options.absoluteMs ? 'absolute' : 'idle' }, 'session expired');
      const expired: CognitoSessionState = { expired: true };
      if (!options.own) {
        (req.session as unknown as Record<string, unknown>)[SESSION_KEY] = expired;
        return next();
      }
      req.session.regenerate((err) => {
        if (err) return next(err);
        (req.session as unknown as Record<string, unknown>)[SESSION_KEY] = expired;
        next();
      });
      return;
    }
    if (now - lastSeen >= SESSION_REFRESH_MS) s.lastSeenAt = now;
    next();
  };
}

/** A session with nobody signed in (pending sign-ins, form tokens, notices) lives this long unused (ms). */
export const ANONYMOUS_SESSION_TTL_MS = 10 * 60 * 1000;

/**
 * Keeps sessions of people not signed in short-lived: their cookie's expiry, which every store (memory,
 * SQLite, connect-redis) takes as the stored entry's expiry, is `ttlMs` from now instead of the idle
 * lifetime. A sign-in regenerates the session, and the new one gets the configured idle lifetime. A
 * stored one in use is refreshed once its stored copy is a minute old, so it lives `ttlMs` past its last
 * use. Only for the package's own sessions (it runs right after express-session loads the session): the
 * host's cookie is the host's.
 */
export function anonymousSessionLifetime(clock: Clock, ttlMs = ANONYMOUS_SESSION_TTL_MS) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const state = peekState(req);
    if (req.session && state?.user === undefined) {
      if (state && Date.now() - storedAt(req.session.cookie) >= SESSION_REFRESH_MS) state.lastSeenAt = clock();
      req.session.cookie.maxAge = ttlMs;
    }
    next();
  };
}

/**
 * When express-session last stored this session, from its cookie as loaded (its expiry was set then,
 * `originalMaxAge` ahead, on express-session's own clock: Date.now). Unknown: now.
 */
function storedAt(cookie: { expires?: Date | null | undefined; originalMaxAge: number | null | undefined }): number {
  const { expires, originalMaxAge } = cookie;
  return expires instanceof Date && typeof originalMaxAge === 'number' ? expires.getTime() - originalMaxAge : Date.now();
}
