import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { asyncHandler } from '../async-handler';
import { CognitoAuthError } from '../errors';
import type { Clock } from './lifetimes';
import { logOf } from '../log';
import { putTokens } from './hidden-tokens';
import { peekState, sessionState, signedInOf } from './session-state';
import type { SessionTokens } from '../cognito/tokens';
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
  /** Always answer a signed-out request with 401 JSON (default: only a request that is not a page navigation, see {@link wantsJson}). */
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
 * @throws CognitoAuthError `session_expired` when Cognito refused the refresh.
 */
export async function freshTokens(
  req: Request,
  deps: { refresher: TokenRefresher; clock: Clock; control: Pick<SessionControl, 'scope'> },
): Promise<SessionTokens | undefined> {
  const signedIn = signedInOf(req, deps.control.scope);
  if (!signedIn) return undefined;
  if (signedIn.tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > deps.clock() / 1000) return signedIn.tokens;
  const fresh = await deps.refresher.refresh(signedIn.user, signedIn.tokens);
  putTokens(sessionState(req, deps.control.scope), fresh);
  return fresh;
}

/**
 * True when a request is clearly not a page navigation, so that a signed-out answer is 401 JSON rather
 * than a redirect to an HTML sign-in page (docs/api.md has the rule as a table). Any one of these is enough:
 * - `Sec-Fetch-Mode` other than `navigate` (`fetch()`, XHR, `<img>`, `<script>`);
 * - `Sec-Fetch-Dest: empty` (`fetch()`, XHR);
 * - `X-Requested-With`, whatever its value (jQuery and other Ajax libraries);
 * - an `Accept` header that does not list `text/html` (fetch's default, any type; `application/json`), or
 *   that ranks `application/json` above it.
 * A request without an `Accept` header at all (or an empty one) stays a page navigation: nothing says it
 * is not one, and sending a person who follows a link a JSON answer would strand them.
 */
export function wantsJson(req: Request): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined && mode !== 'navigate') return true;
  if (req.headers['sec-fetch-dest'] === 'empty') return true;
  if (req.headers['x-requested-with'] !== undefined) return true;
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return false;
  return !listsHtml(accept) || req.accepts(['html', 'json']) === 'json';
}

/** True when an `Accept` header names `text/html` itself with a quality above 0. */
function listsHtml(accept: string): boolean {
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Creates the sign-in guard. A signed-in request with a fresh access token passes at once; a token near
 * its expiry is refreshed first; a refused refresh ends the session and asks to sign in again. Anyone
 * signed out goes to the sign-in page with `returnTo` (303), or gets 401 JSON when the request is not a
 * page navigation ({@link wantsJson}).
 */
export function createRequireAuth(deps: { refresher: TokenRefresher; clock: Clock; control: SessionControl }): RequireAuth {
  return (options = {}) => {
    const refreshThenPass = asyncHandler(async (req, res, next) => {
      try {
        await freshTokens(req, deps);
      } catch (err) {
        if (!(err instanceof CognitoAuthError && err.code === 'session_expired')) throw err;
        logOf(req).info({ reason: err.message }, 'refresh refused; session ended');
        if (options.json || wantsJson(req)) {
          await endSession(req, res, deps.control);
          refuseSignedOut(req, res, deps.control, options);
          return;
        }
        await expireSession(req, res, deps.control);
        return;
      }
      next();
    });
    return (req: Request, res: Response, next: NextFunction): void => {
      // Only this router's sign-in lets a request through, whichever router's context ran last.
      enterRouter(req, deps.control);
      const signedIn = signedInOf(req, deps.control.scope);
      if (!signedIn) {
        refuseSignedOut(req, res, deps.control, options);
        return;
      }
      // The usual case stays synchronous: no promise on an ordinary request.
      if (signedIn.tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > deps.clock() / 1000) {
        next();
        return;
      }
      refreshThenPass(req, res, next);
    };
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
