import type { NextFunction, Request, Response } from 'express';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/** lastSeenAt is written at most this often, so that a busy session is not rewritten on every request. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

/**
 * Enforces the idle and absolute lifetimes of a signed-in session on the server (the cookie's own
 * expiry is only a hint to the browser): an expired session is replaced by a fresh anonymous one before
 * Passport reads it, and the request goes on signed out.
 */
export function sessionLifetime(options: { idleMs: number; absoluteMs: number; clock: Clock }) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const s = req.session;
    if (!s?.createdAt) return next();
    const now = options.clock();
    const lastSeen = s.lastSeenAt ?? s.createdAt;
    if (now - s.createdAt >= options.absoluteMs || now - lastSeen >= options.idleMs) {
      req.log?.info({ reason: now - s.createdAt >= options.absoluteMs ? 'absolute' : 'idle' }, 'session expired');
      s.regenerate((err) => {
        if (err) return next(err);
        req.session.expired = true;
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
 * lifetime. A sign-in regenerates the session, and the new one gets the configured idle lifetime.
 */
export function anonymousSessionLifetime(ttlMs = ANONYMOUS_SESSION_TTL_MS) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const s = req.session as (typeof req.session & { passport?: { user?: unknown } }) | undefined;
    if (s && s.passport?.user === undefined) s.cookie.maxAge = ttlMs;
    next();
  };
}
