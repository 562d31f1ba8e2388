import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AuthenticateOptions } from 'passport';
import { z } from 'zod';
import { asyncHandler } from '../../async-handler';
import type { MountUrls } from '../../urls/mount-urls';
import { runStrategy, type AppPassport } from '../../auth/passport';
import { HOSTED_UI_STRATEGY, type HostedUiInfo, type HostedUiStartOptions } from '../../auth/hosted-ui';
import { STATE_REFUSED, type PendingAuthorizations } from '../../auth/pending-authorizations';
import { logOf } from '../../log';
import { safeReturnTo } from '../../urls/return-to';
import { peekState } from '../../auth/session-state';
import type { CognitoUser } from '../../auth/types';
import { endSession, type SessionControl } from '../../auth/start-session';
import { CALLBACK_PATH } from '../../urls/mount-urls';
import type { CognitoSettings } from '../../cognito/settings';
import { postSignOutRedirect, signOutAtCognito } from '../../cognito/sign-out';
import { CognitoAuthError } from '../../errors';
import { settle } from '../../settle';
import type { Locale, MessageKey } from '../../i18n';
import type { Clock } from '../../auth/lifetimes';
import { createEmulatorCheck } from './emulator-check';
import { finishSignIn } from './finish-sign-in';
import type { AfterSignIn } from './forms';
import type { RateLimiters } from './rate-limit';

/** Longest value accepted in any callback query parameter. */
const MAX_PARAM = 2048;
/** `code` and `state` are 1*VSCHAR, `error` 1*NQSCHAR (RFC 6749, Appendix A): never empty. */
const vsChars = z
  .string()
  .min(1)
  .max(MAX_PARAM)
  .regex(/^[\x20-\x7e]+$/);
const nqsChars = z
  .string()
  .min(1)
  .max(MAX_PARAM)
  .regex(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
/** Free text from the provider: only logged, never shown; single and non-empty like every parameter. */
const providerText = z.string().min(1).max(MAX_PARAM);

/**
 * The callback's query: single values only (`?state=a&state=b` is refused), a code or an error but
 * never both. A missing `state` is left to the state check (a 403 like any state that is not ours).
 */
const callbackQuery = z.union([
  z.object({ code: vsChars, state: vsChars.optional(), error: z.undefined().optional() }),
  z.object({
    error: nqsChars,
    error_description: providerText.optional(),
    error_uri: providerText.optional(),
    state: vsChars.optional(),
    code: z.undefined().optional(),
  }),
]);

/** The OAuth error codes of RFC 6749 §4.1.2.1 the pages explain; any other gets the generic message. */
const OAUTH_ERROR_MESSAGES = new Map<string, MessageKey>([
  ['access_denied', 'oauth.access_denied'],
  ['invalid_request', 'oauth.invalid_request'],
  ['unauthorized_client', 'oauth.unauthorized_client'],
  ['unsupported_response_type', 'oauth.unsupported_response_type'],
  ['invalid_scope', 'oauth.invalid_scope'],
  ['server_error', 'oauth.server_error'],
  ['temporarily_unavailable', 'oauth.temporarily_unavailable'],
]);

/** Managed Login's `lang` for each page language (both are among the languages it is translated into). */
const MANAGED_LOGIN_LANG: Readonly<Record<Locale, string>> = { en: 'en', ja: 'ja' };

/** How much of a provider's `error_description` reaches the (debug) log. */
const MAX_LOGGED_DESCRIPTION = 200;

/** Sign-out, below the mount: always served (see page-groups.ts). */
export const SIGN_OUT_PATHS = ['/logout'] as const;

/** The Hosted UI's start and its callback, below the mount: served unless `pages.hostedUi` is off. */
export const HOSTED_UI_PATHS = ['/login/hosted', CALLBACK_PATH] as const;

/** The paths {@link createAuthRouter} serves. */
export function authPaths(hostedUi: boolean): readonly string[] {
  return hostedUi ? [...HOSTED_UI_PATHS, ...SIGN_OUT_PATHS] : SIGN_OUT_PATHS;
}

/** Dependencies of {@link createAuthRouter}. */
export interface AuthRouterDeps {
  passport: AppPassport;
  pendingAuthorizations: PendingAuthorizations;
  limiters: Pick<RateLimiters, 'signInStartsPerIp'>;
  settings: CognitoSettings;
  cognitoClient: CognitoIdentityProviderClient;
  sessions: SessionControl;
  urls: MountUrls;
  clock: Clock;
  /** Serve the Hosted UI sign-in (`/login/hosted`, `/callback`); sign-out is always there. */
  hostedUi: boolean;
  /** Where a Hosted UI sign-in goes when it has no `returnTo`. */
  signedInTo: string;
  /** The identity providers `?provider=` may name (the allow-list for `identity_provider`). */
  identityProviders: readonly string[];
  /** Where the browser goes once signed out (a path of the host's). */
  afterSignOutTo: string;
  afterSignIn?: AfterSignIn | undefined;
}

/** Hosted UI sign-in, its callback, and sign-out. */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const router = Router();
  const { urls } = deps;
  if (deps.hostedUi) addHostedUiRoutes(router, deps);

  /*
   * POST /logout — CSRF-protected. Revoke this session's refresh token (other devices stay signed in),
   * destroy the session, clear the cookie, then go to Cognito's /logout where the issuer has one, else
   * onwards with the "signed out" notice.
   */
  router.post(
    '/logout',
    asyncHandler(async (req, res) => {
      await signOutAtCognito(deps.cognitoClient, deps.settings, peekState(req)?.tokens, logOf(req));
      await endSession(req, res, deps.sessions);
      const to = postSignOutRedirect(deps.settings, urls.baseUrl, deps.afterSignOutTo);
      // Back on a page of this site, it says so; Cognito's /logout returns only to the registered URL, as is.
      res.redirect(303, to.startsWith('/') ? `${to}${to.includes('?') ? '&' : '?'}notice=signed_out` : to);
    }),
  );

  return router;
}

function addHostedUiRoutes(router: Router, deps: AuthRouterDeps): void {
  const { passport, urls } = deps;
  const emulatorAnswers = deps.settings.emulator ? createEmulatorCheck(deps.settings, deps.clock) : undefined;

  /*
   * GET /login/hosted — start Hosted UI sign-in: redirect to Cognito's authorize endpoint with a fresh
   * state, a PKCE challenge, (where supported) a nonce, and `lang` for Managed Login in the page's
   * language. `?provider=Google` goes straight to that identity provider (one of `identityProviders`
   * only: any other is a 400). `returnTo` is kept only if same-origin. On the emulator only, an emulator
   * that does not answer gets the 503 page rather than a redirect to a connection error.
   */
  router.get(
    '/login/hosted',
    deps.limiters.signInStartsPerIp,
    asyncHandler(async (req, res, next) => {
      const query = req.query as Record<string, unknown>;
      const returnTo = safeReturnTo(query.returnTo);
      const provider = query.provider;
      if (provider !== undefined && !(typeof provider === 'string' && deps.identityProviders.includes(provider))) {
        next(new CognitoAuthError('bad_request', 'an identity provider this router does not offer'));
        return;
      }
      if (query.code !== undefined || query.error !== undefined) {
        // passport-openidconnect would read these as a callback; here they mean nothing. Start clean.
        const start = new URLSearchParams();
        if (provider) start.set('provider', provider);
        if (returnTo) start.set('returnTo', returnTo);
        const search = start.toString();
        res.redirect(303, search ? `${urls.to('/login/hosted')}?${search}` : urls.to('/login/hosted'));
        return;
      }
      if (emulatorAnswers && !(await emulatorAnswers())) {
        next(new CognitoAuthError('upstream_unavailable', 'the emulator does not answer'));
        return;
      }
      const options: HostedUiStartOptions = {
        state: { returnTo },
        lang: MANAGED_LOGIN_LANG[res.locals.locale as Locale],
        identityProvider: provider,
      };
      // passport-openidconnect takes an object as state (its "app state"); Passport's types say string.
      runStrategy(passport, HOSTED_UI_STRATEGY, options as unknown as AuthenticateOptions, (err: unknown) =>
        next(err ?? new CognitoAuthError('internal', 'the Hosted UI start did not redirect')),
      )(req, res, next);
    }),
  );

  /*
   * GET /callback — Cognito sends the browser back here. A malformed answer is a 400 (it never
   * starts a new authorization); an `error=` is explained. Otherwise take the pending sign-in its state
   * names, exchange the code (with its PKCE verifier and the client secret), verify the ID token, start a
   * new session, then 303 onwards.
   */
  router.get(CALLBACK_PATH, (req, res, next) => {
    const parsed = callbackQuery.safeParse(req.query);
    if (!parsed.success) {
      next(new CognitoAuthError('bad_request', 'malformed callback query'));
      return;
    }
    if (parsed.data.error !== undefined) {
      next(providerError(req, res, deps, parsed.data));
      return;
    }
    runStrategy(passport, HOSTED_UI_STRATEGY, {}, (err: unknown, user: unknown, info: unknown, status?: number) => {
      if (err) return next(callbackError(err));
      if (!user) return next(callbackFailure(info, status));
      completeSignIn(req, res, next, deps, user as CognitoUser, info as HostedUiInfo);
    })(req, res, next);
  });
}

/**
 * Starts the signed-in session and goes on. The browser's other pending sign-ins (other tabs) are
 * carried over into the new session, so that each can still finish.
 */
function completeSignIn(req: Request, res: Response, next: NextFunction, deps: AuthRouterDeps, user: CognitoUser, info: HostedUiInfo): void {
  const otherTabs = deps.pendingAuthorizations.takeAll(req);
  const to = safeReturnTo(info.state?.returnTo) ?? deps.signedInTo;
  const finishing = finishSignIn(req, res, deps, { user, tokens: info.tokens }, to, () => deps.pendingAuthorizations.restore(req, otherTabs));
  settle(finishing, () => undefined, next);
}

/**
 * The provider answered with `error=`. Its `error_description` is the provider's (or an attacker's)
 * text: logged, shortened, at debug, never shown. With a sign-in of this browser pending under that
 * `state`, the page explains the error code (and the sign-in is over); otherwise it is a neutral refusal.
 */
function providerError(
  req: Request,
  res: Response,
  deps: AuthRouterDeps,
  query: { error: string; error_description?: string | undefined; state?: string | undefined },
): CognitoAuthError {
  const pending = deps.pendingAuthorizations.take(req, query.state);
  logOf(req).debug(
    {
      oauthError: query.error.slice(0, MAX_LOGGED_DESCRIPTION),
      description: query.error_description?.slice(0, MAX_LOGGED_DESCRIPTION),
      pending: pending !== undefined,
    },
    'authorization error from the provider',
  );
  if (!pending) return new CognitoAuthError('auth_state_invalid', 'provider error with no sign-in pending');
  res.locals.oauthMessage = OAUTH_ERROR_MESSAGES.get(query.error) ?? 'oauth.other';
  return query.error === 'access_denied'
    ? new CognitoAuthError('auth_denied', 'access_denied from the provider')
    : new CognitoAuthError('auth_provider_error', 'authorization error from the provider');
}

/** A refusal by passport-openidconnect (`fail`): a state that is not pending, or an ID token check. */
function callbackFailure(info: unknown, status: number | undefined): CognitoAuthError {
  const refusal = info as { message?: unknown; code?: unknown } | undefined;
  if (refusal?.code === STATE_REFUSED.code) return new CognitoAuthError('auth_state_invalid', STATE_REFUSED.message);
  const text = typeof refusal?.message === 'string' ? refusal.message : 'sign-in refused';
  return new CognitoAuthError('auth_token_invalid', text, { status: status && status >= 400 && status < 500 ? status : 401 });
}

/**
 * An error from passport-openidconnect (`error`): ours (token endpoint, validation, Cognito down) keep
 * their code; an OAuth error from the token endpoint means the code was not accepted; anything else is
 * a bug, shown as a 500 page with its stack in the log.
 */
function callbackError(err: unknown): CognitoAuthError {
  if (err instanceof CognitoAuthError) return err;
  const e = err as { name?: string; code?: string; oauthError?: unknown };
  if (e.name === 'TokenError') return new CognitoAuthError('auth_code_invalid', `token endpoint: ${e.code}`, { cause: err });
  if (e.name === 'InternalOAuthError' && e.oauthError instanceof CognitoAuthError) return e.oauthError;
  return new CognitoAuthError('internal', 'unexpected failure in the sign-in callback', {
    cause: e.name === 'InternalOAuthError' ? e.oauthError : err,
  });
}
