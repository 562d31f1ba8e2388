import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { createMountUrls, type MountUrls } from '../urls/mount-urls';
import { createPassport } from '../auth/passport';
import { createPendingAuthorizations } from '../auth/pending-authorizations';
import { attachLogger } from '../log';
import type { RequireAuth } from '../auth/require-auth';
import { enterRouter, type SessionControl } from '../auth/start-session';
import type { Mailbox } from '../cognito/mailbox';
import type { CognitoSettings } from '../cognito/settings';
import type { TokenVerifier } from '../cognito/tokens';
import type { UserService } from '../cognito/user-service';
import { CognitoAuthError, isConfigurationError } from '../errors';
import { attachContext, type ContextDeps } from '../auth/context';
import type { CsrfProtection } from './csrf';
import { createErrorPage } from './error-pages';
import type { ResolvedOptions } from './options';
import { ownPathsTest, type PageGroup } from './page-groups';
import { attachRenderer, createRenderer, type Renderer } from './render';
import { refuseFederatedAccount } from './routes/federation';
import type { AccountRouteDeps } from './routes/forms';
import type { RateLimiters } from './routes/rate-limit';
import { noStore, securityHeaders } from './security';
import { prepareViewLocals, type ViewLocalsDeps } from './view-locals';

/** The package's stylesheet and script. */
const PUBLIC_DIR = path.resolve(__dirname, '..', '..', 'public');

/** Where the router serves them, below its mount. */
export const ASSETS_PATH = '/public';

/** Where the router serves @simplewebauthn/browser's prebuilt bundle (global `SimpleWebAuthnBrowser`), for public/passkeys.js. */
export const WEBAUTHN_BROWSER_PATH = `${ASSETS_PATH}/vendor/simplewebauthn-browser.js`;

/**
 * The bundle's file in the installed dependency. Its package exports only its entry point, so the path is
 * found from there (`script/index.js` → `dist/bundle/index.umd.min.js`, MIT licence).
 */
function webAuthnBrowserBundle(): string {
  return path.resolve(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
}

/** What the router's pages are made of that does not depend on where they are mounted. */
export interface PagesDeps {
  options: ResolvedOptions;
  settings: CognitoSettings;
  client: CognitoIdentityProviderClient;
  verifier: TokenVerifier;
  users: UserService;
  control: SessionControl;
  /** The session middleware (the package's own, or the check of the host's). */
  session: RequestHandler;
  limiters: RateLimiters;
  csrf: CsrfProtection;
  contextDeps: ContextDeps;
  guard: RequireAuth;
  /** The offline mailbox, where it exists (the emulator outside production). */
  mailbox: Mailbox | undefined;
  /** The page groups the router serves, in order (page-groups.ts). */
  groups: readonly PageGroup[];
}

/** The router's pages once their mount is known. */
export interface MountedPages {
  urls: MountUrls;
  /** The router's own routes; only requests on their own paths (see page-groups.ts) reach it. */
  pages: Router;
  viewLocals: ViewLocalsDeps;
  renderer: Renderer;
  errorPage: ErrorRequestHandler;
}

/** Builds the router's pages at `mountPath`: every link, form action, redirect and the callback follow it. */
export function createMountedPages(deps: PagesDeps, mountPath: string): MountedPages {
  const { options: o, settings, client, users, verifier, control, limiters, mailbox } = deps;
  const urls = createMountUrls({ baseUrl: o.baseUrl, mountPath, customPages: o.pages.custom });
  const clock = o.clock;
  const pendingAuthorizations = createPendingAuthorizations({ clock, scope: control.scope, redirectUri: urls.callbackUrl });
  const passport = createPassport({
    settings,
    callbackUrl: urls.callbackUrl,
    verifier,
    users,
    pendingAuthorizations,
    identityProviders: o.identityProviders,
  });
  const renderer = createRenderer({
    ...o.render,
    cache: o.production,
    assets: { stylesheet: urls.to(`${ASSETS_PATH}/style.css`), script: urls.to(`${ASSETS_PATH}/app.js`) },
  });
  const viewLocals: ViewLocalsDeps = {
    urls,
    scope: control.scope,
    homePath: o.homePath,
    appName: o.appName,
    signUp: o.pages.signUp,
    emulator: settings.emulator,
    mailboxEnabled: mailbox !== undefined,
    mailboxOpen: o.pages.mailboxOpen,
    locale: { languages: o.languages, choose: o.locale, secureCookie: o.session.secureCookie },
    csrfToken: deps.csrf.tokenFor,
  };
  const errorPage = createErrorPage({ renderer, locals: viewLocals });

  const pages = Router();
  const mine = Symbol('express-cognito-signin.own-route');
  pages.use((req: Request, _res: Response, next: NextFunction) => {
    (req as Request & Record<symbol, boolean>)[mine] = true;
    enterRouter(req, control);
    attachLogger(req, o.logger);
    next();
  });
  if (o.securityHeaders) pages.use(securityHeaders({ cognitoOrigin: new URL(settings.authorizationUrl).origin, production: o.production }));
  pages.use(ASSETS_PATH, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  const bundle = webAuthnBrowserBundle();
  pages.get(WEBAUTHN_BROWSER_PATH, (_req: Request, res: Response, next: NextFunction) => {
    res.type('text/javascript');
    res.sendFile(bundle, { maxAge: '1h', headers: { 'X-Content-Type-Options': 'nosniff' } }, (err?: Error) => {
      if (err) next(err);
    });
  });
  pages.use(noStore);
  pages.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  pages.use(deps.session);
  pages.use((req: Request, res: Response, next: NextFunction) => {
    attachContext(req, res, deps.contextDeps);
    prepareViewLocals(req, res, viewLocals);
    attachRenderer(res, renderer);
    next();
  });

  const account: AccountRouteDeps = {
    sessions: control,
    urls,
    clock,
    afterSignIn: o.afterSignIn,
    users,
    verifier,
    passport,
    limiters,
    requireAuth: deps.guard,
    mailbox,
    signedInTo: o.defaultReturnTo.custom ?? urls.to('/profile'),
    refuseFederated: (notice) => refuseFederatedAccount({ urls, identityProviders: o.identityProviders, notice }),
  };
  // The CSRF check runs per group, on the group's own paths: where the group runs it inside its router, its
  // error handler can say an expired form on the form itself.
  for (const group of deps.groups) {
    const own = ownPathsTest(group.paths);
    const csrf: RequestHandler = (req, res, next) => (own.test(req.path) ? deps.csrf.protect(req, res, next) : next());
    const router = group.create({ account, settings, client, pendingAuthorizations, mailbox, csrf });
    pages.use(group.checksCsrf ? router : Router().use(csrf, router));
  }
  // Whatever no group answered is checked as before (a form posted to the router's assets, say).
  pages.use(deps.csrf.protect);
  // Errors raised on the router's own routes only: a host's errors pass through untouched, and so do the
  // host's set-up mistakes, to surface where the host sees its own errors.
  pages.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(req as Request & Record<symbol, boolean>)[mine] || (err instanceof CognitoAuthError && isConfigurationError(err))) return next(err);
    errorPage(err, req, res, next);
  });
  return { urls, pages, viewLocals, renderer, errorPage };
}
