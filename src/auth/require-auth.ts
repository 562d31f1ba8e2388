import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import type { Clock } from '../sessions/lifetime';
import { expireSession, signInPath } from './start-session';
import type { TokenRefresher } from './token-refresh';

/** Refresh the access token when it has expired or will within this many seconds. */
export const REFRESH_MARGIN_SECONDS = 60;

/** Makes guards for pages of signed-in people. */
export type RequireAuth = (options?: { signedOutTo?: 'sign-in' | 'start' }) => RequestHandler;

/**
 * Creates `requireAuth`. A signed-in request with a fresh access token passes with no call to Cognito and
 * no cryptography: the tokens were verified against the JWKS when they entered the session, and the
 * server-side session cannot be altered by the browser. A token near its expiry is refreshed first
 * (once, shared by concurrent requests); a refused refresh ends the session and asks to sign in again.
 * Anyone signed out goes to the sign-in page with `returnTo` (or to the start page).
 */
export function createRequireAuth(deps: { refresher: TokenRefresher; clock: Clock; cookieName: string }): RequireAuth {
  return (options = {}) =>
    (req: Request, res: Response, next: NextFunction): void => {
      const tokens = req.session?.tokens;
      if (!req.user || !tokens) {
        res.redirect(303, signedOutTarget(req, options.signedOutTo ?? 'sign-in'));
        return;
      }
      if (tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > deps.clock() / 1000) {
        next();
        return;
      }
      deps.refresher.refresh(req.user, tokens).then(
        (fresh) => {
          req.session.tokens = fresh;
          next();
        },
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'session_expired') {
            req.log?.info({ reason: err.message }, 'refresh refused; session ended');
            expireSession(req, res, deps.cookieName).catch(next);
            return;
          }
          next(err);
        },
      );
    };
}

function signedOutTarget(req: Request, to: 'sign-in' | 'start'): string {
  if (to === 'start') return '/';
  return signInPath({
    returnTo: req.method === 'GET' ? req.originalUrl : undefined,
    notice: req.session?.expired ? 'session_expired' : 'signed_in_required',
  });
}
