import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { logOf } from '../log';
import { freshTokens, type GuardOptions, type RequireAuth } from './require-auth';
import { safeReturnTo } from '../urls/return-to';
import { peekState, signedInOf } from './session-state';
import type { CognitoUser } from './types';
import { claimsOfVerifiedIdToken, type SessionTokens } from '../cognito/tokens';
import { endSession, enterRouter, type SessionControl } from './start-session';
import type { TokenRefresher } from './token-refresh';
import type { CognitoSettings } from '../cognito/settings';
import { signOutAtCognito } from '../cognito/sign-out';
import { CognitoAuthError } from '../errors';
import type { Clock } from './lifetimes';

/** The tokens of a signed-in session, as kept server-side. Never log them or send them to the browser. */
export type CognitoTokens = Readonly<SessionTokens>;

/**
 * The package's view of one request (`req.cognito`), set by `auth.context()` and on the router's own
 * routes. Reading it costs nothing: no call to Cognito, no cryptography, no store write.
 */
export interface CognitoContext {
  /** The signed-in user, or undefined. */
  readonly user: CognitoUser | undefined;
  /** The signed-in user's verified ID token claims, or undefined. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  /** True when someone is signed in. */
  isAuthenticated(): boolean;
  /**
   * An access token for calling APIs as the user: refreshed first when it expires within a minute (one
   * refresh shared by concurrent requests). Undefined when nobody is signed in, or when Cognito refused
   * the refresh or answered it with another user's tokens (the sign-in then ends).
   * @throws CognitoAuthError `upstream_unavailable` while Cognito cannot be reached (the sign-in stays).
   */
  accessToken(): Promise<string | undefined>;
  /** The session's raw tokens and their expiry times (seconds since the epoch), or undefined. */
  tokens(): CognitoTokens | undefined;
  /** Signs out this device: revokes this session's refresh token at Cognito, and ends the sign-in in the session. */
  signOut(): Promise<void>;
  /** The sign-in page's URL, coming back to `returnTo` (a same-origin path) afterwards. */
  signInUrl(returnTo?: string): string;
}

declare global {
  namespace Express {
    interface Request {
      /** express-cognito-signin: the signed-in user and their tokens (set by `auth.context()`). */
      cognito?: CognitoContext;
    }
  }
}

/** What a request context needs of its router. */
export interface ContextDeps {
  refresher: TokenRefresher;
  clock: Clock;
  control: SessionControl;
  client: CognitoIdentityProviderClient;
  settings: CognitoSettings;
  guard: RequireAuth;
  /** A CSRF token for the package's forms on this response (a sign-out button on a host's page). */
  csrfToken(req: Request, res: Response): string;
}

const DEPS = Symbol('express-cognito-signin.context');

class RequestCognitoContext implements CognitoContext {
  readonly #req: Request;
  readonly #res: Response;
  readonly [DEPS]: ContextDeps;

  constructor(req: Request, res: Response, deps: ContextDeps) {
    this.#req = req;
    this.#res = res;
    this[DEPS] = deps;
  }

  get user(): CognitoUser | undefined {
    return signedInOf(this.#req, this[DEPS].control.scope)?.user;
  }

  get claims(): Readonly<Record<string, unknown>> | undefined {
    const scope = this[DEPS].control.scope;
    const signedIn = signedInOf(this.#req, scope);
    return signedIn ? claimsOfVerifiedIdToken(signedIn.tokens.idToken) : undefined;
  }

  isAuthenticated(): boolean {
    return signedInOf(this.#req, this[DEPS].control.scope) !== undefined;
  }

  async accessToken(): Promise<string | undefined> {
    const deps = this[DEPS];
    try {
      return (await freshTokens(this.#req, deps))?.accessToken;
    } catch (err) {
      if (!(err instanceof CognitoAuthError && err.code === 'session_expired')) throw err;
      logOf(this.#req).info({ reason: err.message }, 'refresh refused; session ended');
      await endSession(this.#req, this.#res, deps.control);
      return undefined;
    }
  }

  tokens(): CognitoTokens | undefined {
    return signedInOf(this.#req, this[DEPS].control.scope)?.tokens;
  }

  async signOut(): Promise<void> {
    const deps = this[DEPS];
    await signOutAtCognito(deps.client, deps.settings, peekState(this.#req, deps.control.scope)?.tokens, logOf(this.#req));
    await endSession(this.#req, this.#res, deps.control);
  }

  signInUrl(returnTo?: string): string {
    return this[DEPS].control.urls.signIn({ returnTo: safeReturnTo(returnTo) });
  }
}

/** What a sign-out form posts: `<form method="post" action="{action}">` with a hidden `_csrf` field. */
export interface CognitoSignOutForm {
  /** The router's `POST <mount>/logout`. */
  readonly action: string;
  /** The `_csrf` field's value, made on first read (a page that never reads it writes nothing to the session). */
  readonly csrfToken: string;
}

/**
 * What a host's own page needs for its sign-in link and sign-out button, on `res.locals.cognito` of every
 * request that `auth.context()` (or `auth.requiresAuth()`) sees, and on the router's own pages: for
 * templates of any view engine (`res.render`) and for JSON routes (`res.json(res.locals.cognito)`). Each
 * field is a getter, read when a page asks for it, from the sign-in as it is then. (Handlebars reads
 * getters only when allowed: `allowedProtoProperties: { user: true, signInUrl: true, signOut: true }`.)
 *
 * ```ejs
 * <% if (cognito.signOut) { %>
 *   <form method="post" action="<%= cognito.signOut.action %>">
 *     <input type="hidden" name="_csrf" value="<%= cognito.signOut.csrfToken %>">
 *     <button>Sign out <%= cognito.user.email %></button>
 *   </form>
 * <% } else { %><a href="<%= cognito.signInUrl %>">Sign in</a><% } %>
 * ```
 */
export interface CognitoLocals {
  /** The signed-in user, or undefined while signed out. */
  readonly user: CognitoUser | undefined;
  /** The sign-in page, coming back to this page afterwards (for a GET request; else to the default page). */
  readonly signInUrl: string;
  /** The sign-out form's target and token while someone is signed in; undefined while signed out. */
  readonly signOut: CognitoSignOutForm | undefined;
}

/**
 * Puts `req.cognito` on the request and `res.locals.cognito` on the response (cheap: two small objects;
 * everything is read when asked for). Both answer for their own router's sign-in only, whichever router's
 * context runs later on the request.
 */
export function attachContext(req: Request, res: Response, deps: ContextDeps): void {
  enterRouter(req, deps.control);
  req.cognito = new RequestCognitoContext(req, res, deps);
  res.locals.cognito = new PageLocals(req, res, deps);
}

/**
 * The page locals: getters on the prototype, so that making them costs a request next to nothing (own
 * accessors would cost V8 a slow object per request). `toJSON` gives `res.json()` the three fields.
 */
class PageLocals implements CognitoLocals {
  readonly #req: Request;
  readonly #res: Response;
  readonly #deps: ContextDeps;
  #csrfToken: string | undefined;

  constructor(req: Request, res: Response, deps: ContextDeps) {
    this.#req = req;
    this.#res = res;
    this.#deps = deps;
  }

  get user(): CognitoUser | undefined {
    return signedInOf(this.#req, this.#deps.control.scope)?.user;
  }

  get signInUrl(): string {
    const req = this.#req;
    return this.#deps.control.urls.signIn({ returnTo: req.method === 'GET' ? safeReturnTo(req.originalUrl) : undefined });
  }

  get signOut(): CognitoSignOutForm | undefined {
    if (!signedInOf(this.#req, this.#deps.control.scope)) return undefined;
    const token = () => this.#token();
    return {
      action: this.#deps.control.urls.to('/logout'),
      get csrfToken() {
        return token();
      },
    };
  }

  toJSON(): CognitoLocals {
    return { user: this.user, signInUrl: this.signInUrl, signOut: this.signOut };
  }

  #token(): string {
    this.#csrfToken ??= this.#deps.csrfToken(this.#req, this.#res);
    return this.#csrfToken;
  }
}

/** Options of `requiresAuth()`. */
export type RequiresAuthOptions = GuardOptions;

/**
 * Lets only requests signed in at the router whose `context()` put `req.cognito` there (the last to run)
 * through; with several routers, prefer each one's `auth.requiresAuth()`. Signed out: a page request goes
 * 303 to that router's sign-in page with `returnTo`, or to `signedOutTo`; a request that is clearly not a
 * page navigation (`fetch()`, XHR, an `Accept` without `text/html`: see docs/api.md), or any with
 * `json: true`, gets 401 `{ "error": "unauthenticated", "signInUrl": … }`. An access token near its
 * expiry is refreshed first. Needs `auth.context()` before it; `auth.requiresAuth()` brings its own.
 */
export function requiresAuth(options: RequiresAuthOptions = {}): RequestHandler {
  const guards = new WeakMap<ContextDeps, RequestHandler>();
  return (req: Request, res: Response, next: NextFunction) => {
    const context = req.cognito;
    if (!(context instanceof RequestCognitoContext)) {
      next(
        new CognitoAuthError(
          'context_missing',
          'requiresAuth() runs before auth.context(): add app.use(auth.context()) first, or use auth.requiresAuth()',
        ),
      );
      return;
    }
    const deps = context[DEPS];
    let guard = guards.get(deps);
    if (!guard) {
      guard = deps.guard(options);
      guards.set(deps, guard);
    }
    guard(req, res, next);
  };
}
