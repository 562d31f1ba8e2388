import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Clock } from './lifetimes';
import { peekState, sessionState, type SignInScope } from './session-state';
import type { AuthorizationAppState, PendingAuthorization } from './types';

/** A sign-in started at the Hosted UI must come back within this long (ms). */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

/** At most this many sign-ins pending per browser (tabs); starting another drops the oldest. */
export const MAX_PENDING_AUTHORIZATIONS = 5;

/** passport-openidconnect's own context for an authorization request. */
interface StrategyContext {
  nonce?: string;
  maxAge?: number;
  issued?: Date | string;
}

/** Why a callback's `state` was refused; `code` lets the route tell it from an ID token refusal. */
export const STATE_REFUSED = { message: 'Unable to verify authorization request state.', code: 'auth_state_invalid' } as const;

/**
 * The pending Hosted UI sign-ins of each browser, kept in its session and keyed by their `state`, so
 * that several tabs can each finish the sign-in they started. Also passport-openidconnect's state
 * store (`store` / `verify`), in place of its one-per-session default.
 */
export interface PendingAuthorizations {
  /** passport-openidconnect: keep a new authorization request and yield its `state` handle. */
  store(req: Request, ctx: StrategyContext, appState: unknown, meta: unknown, cb: (err: Error | null, handle?: string) => void): void;
  /** passport-openidconnect: take the request `handle` names (once), or refuse with {@link STATE_REFUSED}. */
  verify(req: Request, handle: unknown, cb: (err: Error | null, ctx?: false | StrategyContext, state?: unknown) => void): void;
  /** The live authorization `handle` names, left in place. */
  peek(req: Request, handle: unknown): PendingAuthorization | undefined;
  /** Removes the authorization `handle` names and returns it if it was still live. */
  take(req: Request, handle: unknown): PendingAuthorization | undefined;
  /** Removes and returns every live authorization (to carry them into the session a sign-in starts). */
  takeAll(req: Request): PendingAuthorization[];
  /** Puts back authorizations taken with {@link PendingAuthorizations.takeAll}. */
  restore(req: Request, pending: PendingAuthorization[]): void;
}

/**
 * Creates the store of the router of `scope` whose callback is `redirectUri`: it sees only the sign-ins
 * that router started. Each authorization expires on its own after `ttlMs` of `clock` time, whatever the
 * session store does with the session; the oldest is dropped beyond `max` per browser.
 */
export function createPendingAuthorizations(options: {
  clock: Clock;
  scope: SignInScope;
  redirectUri: string;
  ttlMs?: number;
  max?: number;
}): PendingAuthorizations {
  const ttlMs = options.ttlMs ?? PENDING_AUTHORIZATION_TTL_MS;
  const max = options.max ?? MAX_PENDING_AUTHORIZATIONS;
  const { scope, redirectUri } = options;

  const all = (req: Request): PendingAuthorization[] => {
    const list = peekState(req, scope)?.pendingAuthorizations;
    return Array.isArray(list) ? list : [];
  };
  const live = (req: Request, now: number): PendingAuthorization[] => all(req).filter((p) => p.redirectUri === redirectUri && p.expiresAt > now);
  /** Replaces this router's live sign-ins with `list`; another router's (same pool and client) stay. */
  const write = (req: Request, list: PendingAuthorization[]): void => {
    const others = all(req).filter((p) => p.redirectUri !== redirectUri);
    const next = [...others, ...list];
    const state = next.length > 0 ? sessionState(req, scope) : peekState(req, scope);
    if (!state) return;
    if (next.length > 0) state.pendingAuthorizations = next;
    else delete state.pendingAuthorizations;
  };
  const indexOf = (list: PendingAuthorization[], handle: unknown): number =>
    typeof handle === 'string' && handle !== '' ? list.findIndex((p) => p.handle === handle) : -1;

  const pending: PendingAuthorizations = {
    store(req, ctx, appState, _meta, cb) {
      if (!req.session) return cb(new Error('pending authorizations need a session'));
      const now = options.clock();
      const entry: PendingAuthorization = {
        handle: randomBytes(24).toString('base64url'),
        redirectUri,
        expiresAt: now + ttlMs,
        appState: appState as AuthorizationAppState,
        ...(ctx.nonce ? { nonce: ctx.nonce } : {}),
        ...(ctx.maxAge ? { maxAge: ctx.maxAge } : {}),
        ...(ctx.issued ? { issued: new Date(ctx.issued).toISOString() } : {}),
      };
      write(req, [...live(req, now), entry].slice(-max));
      cb(null, entry.handle);
    },

    verify(req, handle, cb) {
      if (!req.session) return cb(new Error('pending authorizations need a session'));
      const found = pending.take(req, handle);
      if (!found) return cb(null, false, STATE_REFUSED);
      const ctx: StrategyContext = {};
      if (found.nonce) ctx.nonce = found.nonce;
      if (found.maxAge) ctx.maxAge = found.maxAge;
      if (found.issued) ctx.issued = new Date(found.issued);
      cb(null, ctx, found.appState);
    },

    peek(req, handle) {
      const list = live(req, options.clock());
      return list[indexOf(list, handle)];
    },

    take(req, handle) {
      if (!req.session) return undefined;
      const list = live(req, options.clock());
      const index = indexOf(list, handle);
      const found = list[index];
      // Expired ones go too; the one taken can never be used again, whatever happens next.
      write(
        req,
        list.filter((_, i) => i !== index),
      );
      return found;
    },

    takeAll(req) {
      if (!req.session) return [];
      const list = live(req, options.clock());
      write(req, []);
      return list;
    },

    restore(req, list) {
      write(req, [...live(req, options.clock()), ...list].slice(-max));
    },
  };
  return pending;
}
