import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { attachLogger } from '../log';
import { createRequireAuth } from '../auth/require-auth';
import { signInScopeOf } from '../auth/session-state';
import { endExpiredSignIn, type SessionControl } from '../auth/start-session';
import { createTokenRefresher } from '../auth/token-refresh';
import { createCognitoClient } from '../cognito/client';
import { settingsFromOptions, type CognitoSettings } from '../cognito/settings';
import { createTokenVerifier, type TokenVerifier } from '../cognito/tokens';
import { createUserService, type UserService } from '../cognito/user-service';
import { CognitoAuthError } from '../errors';
import { indexAccessOf } from '../sessions/indexed-store';
import { createHostSessionCheck, createSessionMiddleware } from '../auth/session-middleware';
import { attachContext, requiresAuth as requiresAuthWith, type ContextDeps, type RequiresAuthOptions } from '../auth/context';
import { createCsrfProtection } from './csrf';
import { notFound } from './error-pages';
import { createMount, lateMountUrls } from './mount';
import { ASSETS_PATH, createMountedPages, type MountedPages, type PagesDeps } from './mounted';
import { resolveOptions, type CognitoAuthOptions } from './options';
import { ownPathsTest, pageGroupsOf } from './page-groups';
import { createJwksCheck } from './readiness';
import { createRateLimiters, createRedisRateLimitStores } from './routes/rate-limit';
import { prepareViewLocals } from './view-locals';

/**
 * What `cognitoAuth()` returns: an Express router. Mounted at the root with a `mountPath`
 * (`app.use(cognitoAuth({ …, mountPath: '/account' }))`), it serves its pages there and puts `req.cognito`
 * on every request; mounted at a path (`app.use('/account', auth)`), it serves them there (`mountPath`
 * may be left out) and puts `req.cognito` on the requests below it.
 */
export interface CognitoAuth extends Router {
  /** Where the pages live ('' at the root): the `mountPath` option, else where the router was mounted; undefined until then. */
  readonly mountPath: string | undefined;
  /** Middleware that puts `req.cognito` on every request it sees (the package's session included), for a router not mounted at the root. */
  context(): RequestHandler;
  /** `context()` and `requiresAuth(options)` in one: for hosts that use no `context()` app-wide. */
  requiresAuth(options?: RequiresAuthOptions): RequestHandler;
  /**
   * Renders a template file of the host's own (ejs, absolute path) with the package's helpers (`t`,
   * `url()`, `user`, `csrfToken()`, …) and layout, and sends it. Never rejects: a failure goes to `next(err)`,
   * as `res.render` would pass it on.
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

/** Builds `cognitoAuth()`'s router; `internals` are for the package's own tests. */
export function createCognitoAuth(options: CognitoAuthOptions, internals: CognitoAuthInternals = {}): CognitoAuth {
  const o = resolveOptions(options);
  const settings = internals.settings ?? settingsFromOptions(o.cognito);
  const ownClient =
    (internals.client ?? o.cognito.client)
      ? undefined
      : createCognitoClient({ region: settings.region, endpoint: settings.apiEndpoint, timeoutMs: settings.timeoutMs });
  const client = (internals.client ?? o.cognito.client ?? ownClient) as CognitoIdentityProviderClient;
  const clock = o.clock;
  const verifier = internals.verifier ?? createTokenVerifier(settings);
  const users = internals.users ?? createUserService(client, settings);
  // Whose sign-in this router keeps: its pool and client (two routers of another pool or client never share one).
  const scope = signInScopeOf(settings);
  const refresher = createTokenRefresher({ settings, verifier, client, rotation: o.cognito.refreshTokenRotation });

  // The pages are built once their mount is known: given, or learnt where the router is mounted.
  const mount = createMount(o.mountPath);
  let mounted: MountedPages | undefined;
  const pagesAt = (mountPath: string): MountedPages => (mounted ??= createMountedPages(pagesDeps, mountPath));
  const mountedNow = (): MountedPages => pagesAt(mount.settle());
  const urls = lateMountUrls(() => mountedNow().urls);

  const s = o.session;
  const csrf = createCsrfProtection({ scope, secret: s.secret, sessionCookieName: s.cookieName, secure: s.secureCookie });
  const control: SessionControl = {
    own: s.own,
    cookieName: s.cookieName,
    urls,
    scope,
    absoluteMs: s.absoluteMs,
    indexOf: indexAccessOf,
    onSessionStarted: csrf.rotate,
  };
  const lifetimes = { idleMs: s.idleMs, absoluteMs: s.absoluteMs, clock, scope, endExpired: (req: Request) => endExpiredSignIn(req, control) };
  const session = s.own
    ? createSessionMiddleware({
        ...lifetimes,
        cookieName: s.cookieName,
        secret: s.secret,
        secure: s.secureCookie,
        store: s.store,
        index: s.handle?.userSessions,
      }).handler
    : createHostSessionCheck(lifetimes);
  const sendCommand = s.own ? s.handle?.sendCommand : undefined;
  // With sessions in Redis, rate-limit counts go there too, so that every instance shares them.
  const limiters = createRateLimiters(
    { rateLimit: o.rateLimits },
    o.rateLimits.store ?? (sendCommand ? createRedisRateLimitStores(sendCommand) : undefined),
  );
  const guard = createRequireAuth({ refresher, clock, control });
  const contextDeps: ContextDeps = { refresher, clock, control, client, settings, guard, csrfToken: csrf.tokenFor };
  // The offline mailbox exists only on the emulator outside production, whatever a caller passes.
  const mailbox = settings.emulator && !o.production ? o.pages.mailbox : undefined;
  // The router answers its assets and the paths its page groups declare; every other request is the host's.
  const groups = pageGroupsOf(o, mailbox !== undefined);
  const own = ownPathsTest([ASSETS_PATH, ...groups.flatMap((group) => group.paths)]);
  const pagesDeps: PagesDeps = {
    options: o,
    settings,
    client,
    verifier,
    users,
    control,
    session,
    limiters,
    csrf,
    contextDeps,
    guard,
    mailbox,
    groups,
  };

  /** `req.cognito` (and the session under it): for every request the router, or `context()`, sees. */
  const context = (req: Request, res: Response, next: NextFunction): void => {
    session(req, res, (err?: unknown) => {
      if (err) return next(err);
      // Runs in express-session's callback, where Express no longer catches a throw.
      try {
        attachLogger(req, o.logger);
        attachContext(req, res, contextDeps);
      } catch (thrown) {
        return next(thrown);
      }
      next();
    });
  };

  // Mounted above its pages (at the root), the router hands their requests to Express to strip the
  // pages' path; one regular-expression test tells them from the host's, which only get req.cognito.
  const dispatchers = new Map<string, { matches: RegExp; handle: RequestHandler }>();
  const dispatcherFor = (at: string, pagesPath: string) => {
    const key = at.toLowerCase();
    let dispatch = dispatchers.get(key);
    if (!dispatch) {
      const pages = pagesAt(pagesPath).pages;
      const below = pagesPath.slice(at.length);
      const matches = new RegExp(`^${below.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${own.source.slice(1)}`, own.flags);
      dispatch = { matches, handle: below === '' ? pages : Router().use(below, pages) };
      dispatchers.set(key, dispatch);
    }
    return dispatch;
  };

  const outer = Router();
  outer.use((req: Request, res: Response, next: NextFunction) => {
    const pagesPath = mount.pagesFor(req.baseUrl);
    if (pagesPath instanceof CognitoAuthError) return own.test(req.path) ? next(pagesPath) : context(req, res, next);
    const dispatch = dispatcherFor(req.baseUrl, pagesPath);
    if (!dispatch.matches.test(req.path)) return context(req, res, next);
    // A request the pages pass on (no route of theirs) goes on to the host with req.cognito too.
    dispatch.handle(req, res, (err?: unknown) => (err === undefined ? context(req, res, next) : next(err)));
  });
  const jwksReady = createJwksCheck(settings, clock);
  Object.defineProperty(outer, 'mountPath', { get: () => mount.known(), enumerable: true });
  return Object.assign(outer, {
    context: () => context,
    requiresAuth: (guardOptions?: RequiresAuthOptions): RequestHandler => {
      const handler = requiresAuthWith(guardOptions);
      return (req, res, next) => context(req, res, (err?: unknown) => (err ? next(err) : handler(req, res, next)));
    },
    render: async (req: Request, res: Response, file: string, locals: Record<string, unknown> = {}, status = 200) => {
      try {
        const pages = mountedNow();
        prepareViewLocals(req, res, pages.viewLocals);
        await pages.renderer.file(req, res, file, status, locals);
      } catch (err) {
        // Express 4 does not catch a rejected promise: the failure goes where res.render's would, on a
        // tick of its own (what the error handler throws is not this promise's).
        process.nextTick(() => (req.next as NextFunction | undefined)?.(err));
      }
    },
    notFound: () => notFound,
    errorHandler: (): ErrorRequestHandler => (err, req, res, next) => mountedNow().errorPage(err, req, res, next),
    ready: jwksReady,
    close: () => new Promise<void>((resolve) => resolve(ownClient?.destroy())),
    // Express treats a function with `handle` and `set` as a sub-app: `app.use(path, auth)` then tells
    // it where it is mounted ('mount'), before any request, and the callback URL is right from the first.
    set: () => outer,
    emit: (event: string) => {
      if (event === 'mount') mount.mountedAt((outer as unknown as { mountpath?: unknown }).mountpath);
      return true;
    },
  }) as unknown as CognitoAuth;
}
