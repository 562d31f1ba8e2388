import type { NextFunction, Request, Response } from 'express';
import { logOf } from '../auth/request-log';
import { peekState } from '../auth/session-state';
import { SESSION_KEY, type CognitoSessionState } from '../auth/session-user';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/** lastSeenAt is written at most this often, so that a busy session is not rewritten on every request. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

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
    if (now - lastSeen >= LAST_SEEN_GRANULARITY_MS) s.lastSeenAt = now;
    next();
  };
}

/** A session with nobody signed in (pending sign-ins, form tokens, notices) lives this long unused (ms). */
export const ANONYMOUS_SESSION_TTL_MS = 10 * 60 * 1000;

/**
 * Keeps sessions of people not signed in short-lived: their cookie's expiry, which every store (memory,
 * SQLite, connect-redis) takes as the stored entry's expiry, is `ttlMs` from now instead of the idle
 * lifetime. A sign-in regenerates the session, and the new one gets the configured idle lifetime. Only
 * for the package's own sessions: the host's cookie is the host's.
 */
export function anonymousSessionLifetime(ttlMs = ANONYMOUS_SESSION_TTL_MS) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.session && peekState(req)?.user === undefined) req.session.cookie.maxAge = ttlMs;
    next();
  };
}
