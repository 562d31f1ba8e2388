import type { NextFunction, Request, Response } from 'express';
import { logOf } from '../log';
import { settle } from '../settle';
import { isSignedInSession, peekState, type SignInScope } from './session-state';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/**
 * A session in use is refreshed at most this often: lastSeenAt moves (the idle lifetime counts from it),
 * and the change makes express-session store the session again and re-send its cookie with a new expiry.
 * A busy session is so written once a minute, not on every request.
 */
export const SESSION_REFRESH_MS = 60_000;

/** What {@link sessionLifetime} needs: the own session's settings and the host session check's alike. */
export interface LifetimeSettings {
  idleMs: number;
  absoluteMs: number;
  clock: Clock;
  scope: SignInScope;
  /** Ends an expired sign-in: its id marked ended, a new id, the router's state saying it expired. */
  endExpired: (req: Request) => Promise<void>;
}

/**
 * Enforces the idle and absolute lifetimes of a router's sign-in on the server (the cookie's own expiry
 * is only a hint to the browser). An expired sign-in ends (`endExpired`) before anything reads it, and the
 * request goes on signed out.
 */
export function sessionLifetime(options: LifetimeSettings) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const s = peekState(req, options.scope);
    if (!s?.createdAt) return next();
    const now = options.clock();
    const lastSeen = s.lastSeenAt ?? s.createdAt;
    if (now - s.createdAt >= options.absoluteMs || now - lastSeen >= options.idleMs) {
      logOf(req).info({ reason: now - s.createdAt >= options.absoluteMs ? 'absolute' : 'idle' }, 'session expired');
      settle(options.endExpired(req), () => next(), next);
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
export function anonymousSessionLifetime(clock: Clock, scope: SignInScope, ttlMs = ANONYMOUS_SESSION_TTL_MS) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const state = peekState(req, scope);
    // A session in which any router has someone signed in is not anonymous.
    if (req.session && !isSignedInSession(req.session)) {
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
