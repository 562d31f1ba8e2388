import type { CookieOptions, Request, Response } from 'express';
import { AppError } from '../errors';
import type { SessionIndexAccess } from '../sessions/indexed-store';
import type { EndedSession } from '../sessions/user-sessions';
import type { MountUrls } from './mount-urls';
import { peekState, sessionState } from './session-state';
import { SESSION_KEY, type CognitoUser, type SessionTokens } from './session-user';

/** What a successful sign-in (either path) or a password change hands to {@link startSession}. */
export interface SignedIn {
  user: CognitoUser;
  tokens: SessionTokens;
  /** The verified ID token's claims. */
  claims: Record<string, unknown>;
}

/** How this router's sessions work: what starting and ending one needs beyond the request. */
export interface SessionControl {
  /** True when the package runs its own express-session (its cookie); false on the host's. */
  own: boolean;
  /** The package's session cookie (own sessions only). */
  cookieName: string;
  urls: MountUrls;
  /** The per-user session index behind this request's session. */
  indexOf(req: Request): SessionIndexAccess;
}

/**
 * Starts a new session for a signed-in user: a new session id (so nothing from before sign-in, or before
 * a password change, is reachable under the old one), the package's state started afresh (what the host
 * keeps in the session carries over), tokens and claims kept server-side beside the user, the lifetimes
 * started at `now` (ms; the absolute one at `signedInAt` when a password change keeps it), and the new id
 * in the user's index (the old one leaves it).
 */
export async function startSession(
  req: Request,
  control: SessionControl,
  signedIn: SignedIn,
  now: number,
  options: { signedInAt?: number | undefined } = {},
): Promise<void> {
  const index = control.indexOf(req);
  const before = peekState(req)?.user;
  const previous = before ? { sub: before.sub, sid: req.sessionID } : undefined;
  await regenerateKeepingHostData(req);
  const state = sessionState(req);
  state.user = signedIn.user;
  state.tokens = signedIn.tokens;
  state.claims = signedIn.claims;
  state.createdAt = options.signedInAt ?? now;
  state.lastSeenAt = now;
  await storeCall(async () => {
    if (previous) await index.unregister(previous.sub, previous.sid);
    await index.register(signedIn.user.sub, req.sessionID, state.createdAt as number);
  });
}

/**
 * Ends the signed-in session. The package's own session is destroyed in the store and its cookie cleared
 * with the attributes it was set with (a `__Host-` cookie is only replaced by one that is `Secure` with
 * `Path=/`, so a bare clear would leave it in the browser); on the host's session only the package's
 * state goes. Either way it leaves the user's index.
 */
export async function endSession(req: Request, res: Response, control: SessionControl): Promise<void> {
  const index = control.indexOf(req);
  const user = peekState(req)?.user;
  const owner = user ? { sub: user.sub, sid: req.sessionID } : undefined;
  if (control.own) {
    const cookie = cookieAttributesOf(req);
    await new Promise<void>((resolve, reject) => {
      req.session.destroy((destroyErr) => {
        if (destroyErr) return reject(destroyErr);
        res.clearCookie(control.cookieName, cookie);
        resolve();
      });
    });
  } else {
    delete (req.session as unknown as Record<string, unknown>)[SESSION_KEY];
  }
  await storeCall(async () => (owner ? index.unregister(owner.sub, owner.sid) : undefined));
}

/**
 * Ends the sign-in but keeps the browser's session for a sign-in step that follows (the code page after
 * a password change): a new id, the package's state afresh (what the host keeps carries over), and the
 * old id out of the user's index.
 */
export async function leaveSignIn(req: Request, control: SessionControl): Promise<void> {
  const index = control.indexOf(req);
  const user = peekState(req)?.user;
  const owner = user ? { sub: user.sub, sid: req.sessionID } : undefined;
  await regenerateKeepingHostData(req);
  await storeCall(async () => (owner ? index.unregister(owner.sub, owner.sid) : undefined));
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
 */
export function endSessionsOf(req: Request, control: SessionControl, sub: string, options: { except?: string } = {}): Promise<EndedSession[]> {
  const index = control.indexOf(req);
  return storeCall(() => index.endSessionsOf(sub, options));
}

/**
 * A new session id with what the host keeps in the session carried over (the package's own state is not:
 * a sign-in starts it afresh). Passport's own `keepSessionInfo` does the same for the host's keys.
 */
export function regenerateKeepingHostData(req: Request): Promise<void> {
  const kept = Object.entries(req.session).filter(([key, value]) => key !== 'cookie' && key !== SESSION_KEY && typeof value !== 'function');
  return new Promise<void>((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      Object.assign(req.session, Object.fromEntries(kept));
      resolve();
    });
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
    throw err instanceof AppError ? err : new AppError('session_store_unavailable', 'session index failed', { cause: err });
  }
}
