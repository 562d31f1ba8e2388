import type { Request, Response } from 'express';
import type { SessionTokens } from './session-user';

/** What a successful sign-in (either path) or a password change hands to {@link startSession}. */
export interface SignedIn {
  user: Express.User;
  tokens: SessionTokens;
  /** The verified ID token's claims. */
  claims: Record<string, unknown>;
}

/**
 * Starts a new session for a signed-in user: `req.logIn` regenerates the session id (Passport ≥ 0.6), so
 * nothing from before sign-in (or before a password change) carries over; then the tokens and claims are
 * kept server-side beside the user, and the session's lifetimes start at `now` (ms).
 */
export function startSession(req: Request, signedIn: SignedIn, now: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logIn(signedIn.user, (err) => {
      if (err) return reject(err);
      req.session.tokens = signedIn.tokens;
      req.session.idClaims = signedIn.claims;
      req.session.createdAt = now;
      req.session.lastSeenAt = now;
      resolve();
    });
  });
}

/** Ends the session: Passport's logout, the session destroyed in the store, and its cookie cleared. */
export function endSession(req: Request, res: Response, cookieName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logout((logoutErr) => {
      if (logoutErr) return reject(logoutErr);
      req.session.destroy((destroyErr) => {
        if (destroyErr) return reject(destroyErr);
        res.clearCookie(cookieName, { path: '/' });
        resolve();
      });
    });
  });
}

/**
 * Cognito no longer accepts the session's tokens (expired or revoked refresh token): end the session and
 * send the person to sign in again, coming back to the page they were on.
 */
export async function expireSession(req: Request, res: Response, cookieName: string): Promise<void> {
  const back = req.method === 'GET' ? req.originalUrl : '/profile';
  await endSession(req, res, cookieName);
  res.redirect(303, signInPath({ returnTo: back, notice: 'session_expired' }));
}

/** The custom sign-in page, with where to go afterwards and a notice key for the page to show. */
export function signInPath(options: {
  returnTo?: string | undefined;
  notice?: 'session_expired' | 'signed_in_required' | undefined;
}): string {
  const params = new URLSearchParams();
  if (options.returnTo) params.set('returnTo', options.returnTo);
  if (options.notice) params.set('notice', options.notice);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
