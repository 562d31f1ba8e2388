import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import type { Clock } from '../sessions/lifetime';
import { logOf } from './request-log';
import { peekState, sessionState, signedInOf } from './session-state';
import type { SessionTokens } from './session-user';
import { endSession, enterRouter, expireSession, type SessionControl } from './start-session';
import type { TokenRefresher } from './token-refresh';

/** Refresh the access token when it has expired or will within this many seconds. */
export const REFRESH_MARGIN_SECONDS = 60;

/** Options of the sign-in guard. */
export interface GuardOptions {
  /**
   * Where a signed-out visitor goes (a path of the host's, such as `/`) instead of the sign-in page with
   * `returnTo`.
   */
  signedOutTo?: string | undefined;
  /** Always answer a signed-out request with 401 JSON (default: only when it asks for JSON rather than HTML). */
  json?: boolean | undefined;
}

/** Makes guards for pages of signed-in people. */
export type RequireAuth = (options?: GuardOptions) => RequestHandler;

/**
 * Keeps a signed-in session's access token fresh. A token with more than a minute left costs nothing: no
 * call to Cognito and no cryptography (the tokens were verified against the JWKS when they entered the
 * session, and the server-side session cannot be altered by the browser). A token near its expiry is
 * refreshed (once, shared by concurrent requests) and the new tokens kept in the session.
 *
 * @returns the fresh tokens, or undefined when nobody is signed in.
 * @throws AppError `session_expired` when Cognito refused the refresh.
 */
export async function freshTokens(
  req: Request,
  deps: { refresher: TokenRefresher; clock: Clock; control: Pick<SessionControl, 'scope'> },
): Promise<SessionTokens | undefined> {
  const signedIn = signedInOf(req, deps.control.scope);
  if (!signedIn) return undefined;
  if (signedIn.tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > deps.clock() / 1000) return signedIn.tokens;
  const fresh = await deps.refresher.refresh(signedIn.user, signedIn.tokens);
  sessionState(req, deps.control.scope).tokens = fresh;
  return fresh;
}

/** True when the request asks for JSON rather than a page (an API call, `fetch` with `Accept: application/json`). */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/**
 * Creates the sign-in guard. A signed-in request with a fresh access token passes at once; a token near
 * its expiry is refreshed first; a refused refresh ends the session and asks to sign in again. Anyone
 * signed out goes to the sign-in page with `returnTo` (303), or gets 401 JSON when the request wants JSON.
 */
export function createRequireAuth(deps: { refresher: TokenRefresher; clock: Clock; control: SessionControl }): RequireAuth {
  return (options = {}) =>
    (req: Request, res: Response, next: NextFunction): void => {
      // Only this router's sign-in lets a request through, whichever router's context ran last.
      enterRouter(req, deps.control);
      const signedIn = signedInOf(req, deps.control.scope);
      if (!signedIn) {
        refuseSignedOut(req, res, deps.control, options);
        return;
      }
      if (signedIn.tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > deps.clock() / 1000) {
        next();
        return;
      }
      freshTokens(req, deps).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'session_expired') {
            logOf(req).info({ reason: err.message }, 'refresh refused; session ended');
            if (options.json || wantsJson(req)) {
              endSession(req, res, deps.control).then(() => refuseSignedOut(req, res, deps.control, options), next);
              return;
            }
            expireSession(req, res, deps.control).catch(next);
            return;
          }
          next(err);
        },
      );
    };
}

function refuseSignedOut(req: Request, res: Response, control: SessionControl, options: GuardOptions): void {
  const signInUrl = control.urls.signIn({
    returnTo: req.method === 'GET' ? req.originalUrl : undefined,
    notice: peekState(req, control.scope)?.expired ? 'session_expired' : 'signed_in_required',
  });
  if (options.json || wantsJson(req)) {
    res.status(401).json({ error: 'unauthenticated', signInUrl });
    return;
  }
  res.redirect(303, options.signedOutTo ?? signInUrl);
}
