import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AuthenticateOptions } from 'passport';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AppPassport } from '../auth/passport';
import { HOSTED_UI_STRATEGY, type HostedUiInfo } from '../auth/hosted-ui';
import { safeReturnTo } from '../auth/return-to';
import { endSession, startSession } from '../auth/start-session';
import type { CognitoSettings } from '../cognito/settings';
import { postSignOutRedirect, signOutAtCognito } from '../cognito/sign-out';
import { AppError } from '../errors';
import type { Clock } from '../sessions/lifetime';

/** Longest value accepted in any callback query parameter. */
const MAX_PARAM = 2048;
const param = z.string().max(MAX_PARAM);

/** The callback's query: single values only (`?state=a&state=b` is refused), a code or an error. */
const callbackQuery = z
  .object({ code: param.optional(), state: param.optional(), error: param.optional(), error_description: param.optional() })
  .refine((q) => q.code !== undefined || q.error !== undefined);

/** Dependencies of {@link createAuthRouter}. */
export interface AuthRouterDeps {
  passport: AppPassport;
  settings: CognitoSettings;
  cognitoClient: CognitoIdentityProviderClient;
  appBaseUrl: string;
  sessionCookieName: string;
  clock: Clock;
  logger: Logger;
}

/** Hosted UI sign-in, its callback, and sign-out. */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const router = Router();
  const { passport } = deps;

  /*
   * GET /auth/login — start Hosted UI sign-in: redirect to Cognito's authorize endpoint with a fresh
   * state, a PKCE challenge and (where supported) a nonce. `returnTo` is kept only if same-origin.
   */
  router.get('/auth/login', (req, res, next) => {
    const query = req.query as Record<string, unknown>;
    const returnTo = safeReturnTo(query.returnTo);
    if (query.code !== undefined || query.error !== undefined) {
      // passport-openidconnect would read these as a callback; here they mean nothing. Start clean.
      res.redirect(303, returnTo ? `/auth/login?returnTo=${encodeURIComponent(returnTo)}` : '/auth/login');
      return;
    }
    // passport-openidconnect takes an object as state (its "app state"); Passport's types say string.
    const options = { state: { returnTo } } as unknown as AuthenticateOptions;
    passport.authenticate(HOSTED_UI_STRATEGY, options)(req, res, next);
  });

  /*
   * GET /auth/callback — Cognito sends the browser back here. Check state, exchange the code (with the
   * PKCE verifier and the client secret), verify the ID token, start a new session, then 303 onwards.
   */
  router.get('/auth/callback', (req, res, next) => {
    if (!callbackQuery.safeParse(req.query).success) {
      next(new AppError('bad_request', 'malformed callback query'));
      return;
    }
    passport.authenticate(HOSTED_UI_STRATEGY, (err: unknown, user: Express.User | false, info: unknown, status?: number) => {
      if (err) return next(callbackError(err));
      if (!user) return next(callbackFailure(req, info, status));
      completeSignIn(req, res, next, user, info as HostedUiInfo, deps.clock());
    })(req, res, next);
  });

  /*
   * POST /logout — CSRF-protected. Sign out globally where supported, revoke the refresh token, destroy
   * the session, clear the cookie, then go to Cognito's /logout where the issuer has one, else to /.
   */
  router.post('/logout', (req, res, next) => {
    signOutAtCognito(deps.cognitoClient, deps.settings, req.session.tokens, req.log ?? deps.logger)
      .then(() => endSession(req, res, deps.sessionCookieName))
      .then(() => res.redirect(303, postSignOutRedirect(deps.settings, deps.appBaseUrl)), next);
  });

  return router;
}

function completeSignIn(req: Request, res: Response, next: NextFunction, user: Express.User, info: HostedUiInfo, now: number): void {
  startSession(req, { user, tokens: info.tokens, claims: info.claims }, now).then(
    () => res.redirect(303, safeReturnTo(info.state?.returnTo) ?? '/complete'),
    next,
  );
}

/** A refusal by passport-openidconnect (`fail`): bad state, `error=access_denied`, or an ID token check. */
function callbackFailure(req: Request, info: unknown, status: number | undefined): AppError {
  const message = (info as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? message : 'sign-in refused';
  if ((req.query as Record<string, unknown>).error !== undefined) {
    return new AppError('auth_denied', text, { detail: text });
  }
  if (/state/i.test(text)) return new AppError('auth_state_invalid', text);
  return new AppError('auth_token_invalid', text, { status: status && status >= 400 && status < 500 ? status : 401 });
}

/** An error from passport-openidconnect (`error`): provider error, token endpoint error, or ours. */
function callbackError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; message?: string; code?: string; oauthError?: unknown };
  switch (e.name) {
    case 'AuthorizationError':
      return new AppError('auth_provider_error', `authorization error ${e.code}`, { detail: e.message, cause: err });
    case 'TokenError':
      return new AppError('auth_code_invalid', `token endpoint: ${e.code}`, { detail: e.message, cause: err });
    case 'InternalOAuthError':
      return e.oauthError instanceof AppError
        ? e.oauthError
        : new AppError('upstream_unavailable', 'token request failed', { cause: err });
    default:
      // passport-openidconnect throws plain Errors for an ID token it cannot even decode.
      return new AppError('auth_token_invalid', e.message ?? 'malformed ID token', { cause: err });
  }
}
