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
 * kept server-side beside the user.
 */
export function startSession(req: Request, signedIn: SignedIn): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logIn(signedIn.user, (err) => {
      if (err) return reject(err);
      req.session.tokens = signedIn.tokens;
      req.session.idClaims = signedIn.claims;
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
