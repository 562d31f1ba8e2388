import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { csrfSync } from 'csrf-sync';
import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { createMountUrls } from '../auth/mount-urls';
import { createPassport } from '../auth/passport';
import { createPendingAuthorizations } from '../auth/pending-authorizations';
import { attachLogger } from '../auth/request-log';
import { createRequireAuth } from '../auth/require-auth';
import { peekState, sessionState, signInScopeOf } from '../auth/session-state';
import { endExpiredSignIn, enterRouter, type SessionControl } from '../auth/start-session';
import { createTokenRefresher } from '../auth/token-refresh';
import { createCognitoClient } from '../cognito/client';
import { createEmailService } from '../cognito/email-service';
import { createMfaService } from '../cognito/mfa-service';
import { settingsFromOptions, type CognitoSettings } from '../cognito/settings';
import { createTokenVerifier, type TokenVerifier } from '../cognito/tokens';
import { createUserService, type UserService } from '../cognito/user-service';
import { CognitoAuthError, isConfigurationError } from '../errors';
import { indexAccessOf } from '../sessions/indexed-store';
import { createHostSessionCheck, createSessionMiddleware } from '../sessions/middleware';
import { attachContext, requiresAuth as requiresAuthWith, type ContextDeps, type RequiresAuthOptions } from './context';
import { createErrorPage, notFound } from './error-pages';
import { resolveOptions, type CognitoAuthOptions } from './options';
import { createJwksCheck } from './readiness';
import { attachRenderer, createRenderer } from './render';
import { createAuthRouter } from './routes/auth';
import { createDevMailboxRouter } from './routes/dev-mailbox';
import { createEmailRouter } from './routes/email';
import { refuseFederatedAccount } from './routes/federation';
import { createLoginRouter } from './routes/login';
import { createMfaRouter } from './routes/mfa';
import { createPasswordRouter } from './routes/password';
import { createProfileRouter } from './routes/profile';
import { createRateLimiters, createRedisRateLimitStores } from './routes/rate-limit';
import { createSignupRouter } from './routes/signup';
import { noStore, securityHeaders } from './security';
import { prepareViewLocals, type ViewLocalsDeps } from './view-locals';

/** The package's stylesheet and script. */
const PUBLIC_DIR = path.resolve(__dirname, '..', '..', 'public');

/**
 * What `cognitoAuth()` returns: an Express router to mount at `mountPath`, with what the host's own
 * routes use.
 */
export interface CognitoAuth extends Router {
  /** Where the router expects to be mounted ('' at the root). */
  readonly mountPath: string;
  /** Middleware that puts `req.cognito` on every request it sees (the package's session included). */
  context(): RequestHandler;
  /** `context()` and `requiresAuth(options)` in one: for hosts that use no `context()` app-wide. */
  requiresAuth(options?: RequiresAuthOptions): RequestHandler;
  /**
   * Renders a template file of the host's own (ejs, absolute path) with the package's helpers (`t`,
   * `url()`, `user`, `csrfToken()`, …) and layout, and sends it.
   */
  render(req: Request, res: Response, file: string, locals?: Record<string, unknown>, status?: number): Promise<void>;
  /** Opt-in: a catch-all 404 that renders the package's error page. Mount it last, app-wide. */
  notFound(): RequestHandler;
  /** Opt-in: an error handler that renders the package's error page for every error. Mount it last, app-wide. */
  errorHandler(): ErrorRequestHandler;
  /** True when the issuer's JWKS answers (a readiness probe; checked at most every 15 s). */
  ready(): Promise<boolean>;
  /** Releases what the router made (its AWS SDK client). The session store is the host's to close. */
  close(): Promise<void>;
}

/** Test seams below the public options: a Cognito of a test's own (a hostile issuer, client doubles). */
export interface CognitoAuthInternals {
  settings?: CognitoSettings | undefined;
  client?: CognitoIdentityProviderClient | undefined;
  verifier?: TokenVerifier | undefined;
  users?: UserService | undefined;
}

/** The first path segments the router answers; anything else goes straight on to the host. */
function ownPaths(pages: { custom: boolean; signUp: boolean; hostedUi: boolean }, mailbox: boolean): RegExp {
  const prefixes = ['logout', 'public'];
  if (pages.hostedUi) prefixes.push('login', 'callback');
  if (pages.custom) prefixes.push('login', 'password', 'profile', 'mfa', 'email');
  if (pages.signUp) prefixes.push('signup');
  if (mailbox) prefixes.push('dev/mailbox');
  return new RegExp(`^/(${prefixes.join('|')})(/|$)`, 'i');
}

/** Builds `cognitoAuth()`'s router; `internals` are for the package's own tests. */
export function createCognitoAuth(options: CognitoAuthOptions, internals: CognitoAuthInternals = {}): CognitoAuth {
  const o = resolveOptions(options);
  const settings = internals.settings ?? settingsFromOptions(o.cognito);
  const ownClient = (internals.client ?? o.cognito.client) ? undefined : createCognitoClient({ region: settings.region, endpoint: settings.apiEndpoint, timeoutMs: settings.timeoutMs });
  const client = (internals.client ?? o.cognito.client ?? ownClient) as CognitoIdentityProviderClient;
  const clock = o.clock;
  const urls = createMountUrls({ baseUrl: o.baseUrl, mountPath: o.mountPath, customPages: o.pages.custom });
  const verifier = internals.verifier ?? createTokenVerifier(settings);
  const users = internals.users ?? createUserService(client, settings);
  // Whose sign-in this router keeps: its pool and client (two routers of another pool or client never share one).
  const scope = signInScopeOf(settings);
  const pendingAuthorizations = createPendingAuthorizations({ clock, scope, redirectUri: urls.callbackUrl });
  const passport = createPassport({ settings, callbackUrl: urls.callbackUrl, verifier, users, pendingAuthorizations, identityProviders: o.identityProviders });
  const refresher = createTokenRefresher({ users, settings, verifier });

  const s = o.session;
  const control: SessionControl = { own: s.own, cookieName: s.cookieName, urls, scope, absoluteMs: s.absoluteMs, indexOf: indexAccessOf };
  const lifetimes = { idleMs: s.idleMs, absoluteMs: s.absoluteMs, clock, scope, endExpired: (req: Request) => endExpiredSignIn(req, control) };
  const session = s.own
    ? createSessionMiddleware({ ...lifetimes, cookieName: s.cookieName, secret: s.secret, secure: s.secureCookie, store: s.store, index: s.handle?.userSessions }).handler
    : createHostSessionCheck(lifetimes);
  const sendCommand = s.own ? s.handle?.sendCommand : undefined;
  // With sessions in Redis, rate-limit counts go there too, so that every instance shares them.
  const limiters = createRateLimiters({ rateLimit: o.rateLimits }, o.rateLimits.store ?? (sendCommand ? createRedisRateLimitStores(sendCommand) : undefined));
  const csrf = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
    getTokenFromState: (req) => peekState(req, scope)?.csrfToken,
    storeTokenInState: (req, token) => {
      if (token) sessionState(req, scope).csrfToken = token;
      else delete peekState(req, scope)?.csrfToken;
    },
  });
  const guard = createRequireAuth({ refresher, clock, control });
  const contextDeps: ContextDeps = { refresher, clock, control, client, settings, guard, csrfToken: (req) => csrf.generateToken(req) };
  // The offline mailbox exists only on the emulator outside production, whatever a caller passes.
  const mailbox = settings.emulator && !o.production ? o.pages.mailbox : undefined;
  const renderer = createRenderer({ ...o.render, cache: o.production, assets: { stylesheet: urls.to('/public/style.css'), script: urls.to('/public/app.js') } });
  const viewLocals: ViewLocalsDeps = {
    urls,
    scope,
    homePath: o.homePath,
    appName: o.appName,
    signUp: o.pages.signUp,
    emulator: settings.emulator,
    mailboxEnabled: mailbox !== undefined,
    mailboxOpen: o.pages.mailboxOpen,
    locale: { languages: o.languages, choose: o.locale, secureCookie: s.secureCookie },
    csrfToken: (req) => csrf.generateToken(req),
  };
  const errorPage = createErrorPage({ renderer, locals: viewLocals });

  const inner = Router();
  const mine = Symbol('express-cognito-signin.own-route');
  inner.use((req: Request, _res: Response, next: NextFunction) => {
    (req as Request & Record<symbol, boolean>)[mine] = true;
    enterRouter(req, control);
    attachLogger(req, o.logger);
    if (req.baseUrl.toLowerCase() !== urls.mountPath.toLowerCase()) {
      next(new CognitoAuthError('mount_mismatch', `cognitoAuth() is mounted at "${req.baseUrl || '/'}" but its mountPath option says "${urls.mountPath || '/'}"`));
      return;
    }
    next();
  });
  if (o.securityHeaders) inner.use(securityHeaders({ cognitoOrigin: new URL(settings.authorizationUrl).origin, production: o.production }));
  inner.use('/public', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  inner.use(noStore);
  inner.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  inner.use(session);
  inner.use(csrf.csrfSynchronisedProtection);
  inner.use((req: Request, res: Response, next: NextFunction) => {
    attachContext(req, res, contextDeps);
    prepareViewLocals(req, res, viewLocals);
    attachRenderer(res, renderer);
    next();
  });

  const requireAuth = guard;
  const signIn = { sessions: control, urls, clock, afterSignIn: o.afterSignIn };
  const account = { ...signIn, users, verifier, passport, limiters, requireAuth, mailbox, signedInTo: o.defaultReturnTo.custom };
  if (o.pages.signUp) inner.use(createSignupRouter({ ...account, revealExistingAccounts: o.pages.revealExistingAccounts }));
  if (o.pages.custom) {
    // A federated account has no Cognito password, and its e-mail address comes from its provider.
    inner.use('/password', refuseFederatedAccount({ urls, identityProviders: o.identityProviders, notice: 'notice.federated_no_password' }));
    inner.use('/email/change', refuseFederatedAccount({ urls, identityProviders: o.identityProviders, notice: 'notice.federated_email' }));
    // Cognito asks a federated account for no second step: its provider has its own.
    inner.use('/mfa', refuseFederatedAccount({ urls, identityProviders: o.identityProviders, notice: 'notice.federated_mfa' }));
    inner.use(createLoginRouter({ ...account, identityProviders: o.pages.hostedUi ? o.identityProviders : [] }));
    inner.use(createMfaRouter({ ...account, mfa: createMfaService(client) }));
    inner.use(createPasswordRouter(account));
    inner.use(createProfileRouter({ ...account, identityProviders: o.pages.hostedUi ? o.identityProviders : [], afterDeleteTo: `${o.homePath}?notice=account_deleted` }));
    inner.use(createEmailRouter({ ...account, emails: createEmailService(client) }));
  }
  if (mailbox) inner.use(createDevMailboxRouter(mailbox, { open: o.pages.mailboxOpen }));
  inner.use(
    createAuthRouter({
      ...signIn,
      passport,
      pendingAuthorizations,
      limiters,
      settings,
      cognitoClient: client,
      hostedUi: o.pages.hostedUi,
      signedInTo: o.defaultReturnTo.hostedUi,
      identityProviders: o.identityProviders,
      afterSignOutTo: o.afterSignOutTo,
    }),
  );
  // Errors raised on the router's own routes only: a host's errors pass through untouched, and so do the
  // host's set-up mistakes, to surface where the host sees its own errors.
  inner.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(req as Request & Record<symbol, boolean>)[mine] || (err instanceof CognitoAuthError && isConfigurationError(err))) return next(err);
    errorPage(err, req, res, next);
  });

  const own = ownPaths(o.pages, mailbox !== undefined);
  const outer = Router();
  // One regular-expression test per host request that passes by; the router's own chain runs only on its paths.
  outer.use((req: Request, res: Response, next: NextFunction) => (own.test(req.path) ? inner(req, res, next) : next()));

  const context = (req: Request, res: Response, next: NextFunction): void => {
    session(req, res, (err?: unknown) => {
      if (err) return next(err);
      attachLogger(req, o.logger);
      attachContext(req, res, contextDeps);
      next();
    });
  };
  const jwksReady = createJwksCheck(settings, clock);

  return Object.assign(outer, {
    mountPath: urls.mountPath,
    context: () => context,
    requiresAuth: (guardOptions?: RequiresAuthOptions): RequestHandler => {
      const handler = requiresAuthWith(guardOptions);
      return (req, res, next) => context(req, res, (err?: unknown) => (err ? next(err) : handler(req, res, next)));
    },
    render: async (req: Request, res: Response, file: string, locals: Record<string, unknown> = {}, status = 200) => {
      prepareViewLocals(req, res, viewLocals);
      await renderer.file(req, res, file, status, locals);
    },
    notFound: () => notFound,
    errorHandler: () => errorPage,
    ready: jwksReady,
    close: async () => ownClient?.destroy(),
  }) as CognitoAuth;
}
