import type { CookieOptions, Request, Response } from 'express';
import { CognitoAuthError } from '../errors';
import type { SessionIndexAccess } from '../sessions/indexed-store';
import type { EndedSession } from '../sessions/user-sessions';
import type { MountUrls } from '../urls/mount-urls';
import { dropState, enterScope, isSignedInSession, peekState, sessionState, statesIn, type SignInScope } from './session-state';
import type { CognitoUser } from './types';
import { recordSignInDevice } from './session-device';
import type { SessionTokens } from '../cognito/tokens';

/** What a successful sign-in (either path) or a password change hands to {@link startSession}. */
export interface SignedIn {
  user: CognitoUser;
  /** Verified; the ID token's claims are read from it when needed (`claimsOfVerifiedIdToken`). */
  tokens: SessionTokens;
}

/** How this router's sessions work: what starting and ending one needs beyond the request. */
export interface SessionControl {
  /** True when the package runs its own express-session (its cookie); false on the host's. */
  own: boolean;
  /** The package's session cookie (own sessions only). */
  cookieName: string;
  urls: MountUrls;
  /** Whose sign-in this router keeps (its pool and client), and under which session key. */
  scope: SignInScope;
  /** The absolute session lifetime (ms): no sign-in outlives it, nor its entry in the per-user index. */
  absoluteMs: number;
  /** The per-user session index behind this request's session. */
  indexOf(req: Request): SessionIndexAccess;
  /** What the router adds to every new signed-in session, stored with the sign-in (its CSRF token). */
  onSessionStarted?: ((req: Request) => void) | undefined;
}

const CONTROL = Symbol('express-cognito-signin.session-control');

/**
 * Marks `req` as handled by the router of `control` (its own routes, `context()`, its guard): the session
 * helpers that take only the request (`peekState`, `userOf`, `regenerateKeepingHostData`, …) then work on
 * that router's sign-in.
 */
export function enterRouter(req: Request, control: SessionControl): void {
  enterScope(req, control.scope);
  (req as Request & { [CONTROL]?: SessionControl })[CONTROL] = control;
}

function controlOf(req: Request): SessionControl {
  const control = (req as Request & { [CONTROL]?: SessionControl })[CONTROL];
  if (!control) throw new Error('no cognitoAuth() router handles this request');
  return control;
}

/**
 * Starts a new session for a signed-in user: a new session id (so nothing from before sign-in, or before
 * a password change, is reachable under the old one), the router's state started afresh (what the host
 * and other routers keep in the session carries over), tokens and claims kept server-side beside the
 * user, the lifetimes started at `now` (ms; the absolute one at `signedInAt` when a password change keeps
 * it), and the new id in the user's index (the old one leaves it).
 *
 * Fails closed: when the index cannot list the new session (so that a password change could not end it),
 * the sign-in is undone and the store's error (the 503 page) goes on.
 */
export async function startSession(
  req: Request,
  control: SessionControl,
  signedIn: SignedIn,
  now: number,
  options: { signedInAt?: number | undefined } = {},
): Promise<void> {
  const index = control.indexOf(req);
  const before = peekState(req, control.scope)?.user;
  const previous = before ? { sub: before.sub, sid: req.sessionID } : undefined;
  await regenerateKeepingHostData(req, control);
  const state = sessionState(req, control.scope);
  state.user = signedIn.user;
  state.tokens = signedIn.tokens;
  state.createdAt = options.signedInAt ?? now;
  state.lastSeenAt = now;
  state.indexedUntil = state.createdAt + control.absoluteMs;
  recordSignInDevice(state, req);
  const until = state.indexedUntil;
  try {
    await storeCall(async () => {
      if (previous) await index.remove(previous.sub, previous.sid);
      await index.add(signedIn.user.sub, req.sessionID, until);
    });
  } catch (err) {
    // Not in the index, the sign-in must not be saved: only its state goes, the new id stays unsaved.
    dropState(req, control.scope);
    throw err;
  }
  control.onSessionStarted?.(req);
}

/**
 * Ends the signed-in session. Its id is marked ended first, so that a request of the same session still in
 * flight cannot write it back. The package's own session is then destroyed in the store and its cookie
 * cleared with the attributes it was set with (a `__Host-` cookie is only replaced by one that is `Secure`
 * with `Path=/`, so a bare clear would leave it in the browser); on the host's session the router's state
 * goes and the session moves to a new id with everything else in it. Either way it leaves the user's index.
 */
export async function endSession(req: Request, res: Response, control: SessionControl): Promise<void> {
  const index = control.indexOf(req);
  const user = peekState(req, control.scope)?.user;
  const owner = user ? { sub: user.sub, sid: req.sessionID } : undefined;
  if (control.own) {
    if (isSignedInSession(req.session)) await storeCall(() => index.markEnded(req.sessionID));
    const cookie = cookieAttributesOf(req);
    await new Promise<void>((resolve, reject) => {
      req.session.destroy((destroyErr) => {
        if (destroyErr) return reject(destroyErr);
        res.clearCookie(control.cookieName, cookie);
        resolve();
      });
    });
  } else if (owner) {
    await regenerateKeepingHostData(req, control);
  } else {
    dropState(req, control.scope);
  }
  await storeCall(async () => (owner ? index.remove(owner.sub, owner.sid) : undefined));
}

/**
 * Ends the sign-in but keeps the browser's session for a sign-in step that follows (the code page after
 * a password change): a new id (the old one marked ended), the router's state afresh (what the host keeps
 * carries over), and the old id out of the user's index.
 */
export async function leaveSignIn(req: Request, control: SessionControl): Promise<void> {
  const index = control.indexOf(req);
  const user = peekState(req, control.scope)?.user;
  const owner = user ? { sub: user.sub, sid: req.sessionID } : undefined;
  await regenerateKeepingHostData(req, control);
  await storeCall(async () => (owner ? index.remove(owner.sub, owner.sid) : undefined));
}

/**
 * A sign-in outlived its idle or absolute lifetime: as {@link leaveSignIn}, with the router's new state
 * saying so (the sign-in page then tells the person their session expired).
 */
export async function endExpiredSignIn(req: Request, control: SessionControl): Promise<void> {
  await leaveSignIn(req, control);
  sessionState(req, control.scope).expired = true;
}

/**
 * Cognito no longer accepts the session's tokens (expired or revoked refresh token, a user deleted,
 * disabled or signed out everywhere): end the session and send the person to sign in again, coming back
 * to the page they were on.
 */
export async function expireSession(req: Request, res: Response, control: SessionControl): Promise<void> {
  const back = req.method === 'GET' ? req.originalUrl : control.urls.to('/profile');
  await endSession(req, res, control);
  res.redirect(303, control.urls.signIn({ returnTo: back, notice: 'session_expired' }));
}

/**
 * Ends the sessions of the user `sub` on every instance sharing the store, but `except` (the one that
 * stays signed in after a password change). Returns what they held, so that their tokens can be revoked.
 * Such a session ends whole: on the host's session, with what the host and other routers kept in it.
 */
export function endSessionsOf(req: Request, control: SessionControl, sub: string, options: { except?: string } = {}): Promise<EndedSession[]> {
  const index = control.indexOf(req);
  return storeCall(() => index.endSessionsOf(sub, options));
}

/**
 * A new session id with what the host keeps in the session carried over (the router's own state is not:
 * a sign-in starts it afresh; another router's state is the host's from here, and carries over with its
 * entry in the per-user index). Passport's own `keepSessionInfo` does the same for the host's keys.
 * When someone is signed in, the old id is marked ended before it is destroyed: a request still in flight
 * cannot write it back.
 */
export async function regenerateKeepingHostData(req: Request, control: SessionControl = controlOf(req)): Promise<void> {
  const oldSid = req.sessionID;
  const kept = Object.fromEntries(
    Object.entries(req.session).filter(([key, value]) => key !== 'cookie' && key !== control.scope.key && typeof value !== 'function'),
  );
  const index = control.indexOf(req);
  if (isSignedInSession(req.session)) await storeCall(() => index.markEnded(oldSid));
  await new Promise<void>((resolve, reject) => {
    req.session.regenerate((err) => (err ? reject(err) : resolve()));
  });
  Object.assign(req.session, kept);
  const moving = statesIn(kept).flatMap(([, state]) =>
    state.user && state.indexedUntil ? [{ sub: state.user.sub, until: state.indexedUntil }] : [],
  );
  if (moving.length === 0) return;
  const newSid = req.sessionID;
  await storeCall(async () => {
    for (const { sub, until } of moving) {
      await index.add(sub, newSid, until);
      await index.remove(sub, oldSid);
    }
  });
}

/** The session cookie's own attributes, as express-session set them (expiry aside). */
function cookieAttributesOf(req: Request): CookieOptions {
  const c = req.session.cookie;
  return {
    path: c.path ?? '/',
    domain: c.domain,
    secure: c.secure === true,
    httpOnly: c.httpOnly !== false,
    sameSite: c.sameSite,
  };
}

/** A session-store failure is the store's (503 page), not a bug. */
async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof CognitoAuthError ? err : new CognitoAuthError('session_store_unavailable', 'session index failed', { cause: err });
  }
}
