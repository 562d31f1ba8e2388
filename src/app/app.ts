import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { csrfSync } from 'csrf-sync';
import express, { type NextFunction, type Request, type Response } from 'express';
import type session from 'express-session';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { createPassport } from '../auth/passport';
import { createPendingAuthorizations } from '../auth/pending-authorizations';
import { createRequireAuth } from '../auth/require-auth';
import { createTokenRefresher } from '../auth/token-refresh';
import { callbackUrl } from '../cognito/pool-settings';
import type { CognitoSettings } from '../cognito/settings';
import { createTokenVerifier, type TokenVerifier } from '../cognito/tokens';
import type { AppConfig } from './config';
import { createEmailService } from '../cognito/email-service';
import type { Mailbox } from '../cognito/mailbox';
import { createUserService, type UserService } from '../cognito/user-service';
import { createMfaService } from '../cognito/mfa-service';
import { languageSwitchHref, localeMiddleware, type Locale, type MessageKey } from '../i18n';
import { createHttpLogger } from '../logger';
import { createAuthRouter } from '../routes/auth';
import { errorPage, notFound } from '../routes/error-pages';
import { createDevMailboxRouter, mayReadMailbox } from '../routes/dev-mailbox';
import { createEmailRouter } from '../routes/email';
import { createHealthRouter, type ReadinessChecks } from '../routes/health';
import { createLoginRouter } from '../routes/login';
import { createMfaRouter } from '../routes/mfa';
import { createPagesRouter } from '../routes/pages';
import { createPasswordRouter } from '../routes/password';
import { createProfileRouter } from '../routes/profile';
import { createRateLimiters, type RateLimitStoreFactory } from '../routes/rate-limit';
import { createSignupRouter } from '../routes/signup';
import type { Clock } from '../sessions/lifetime';
import { createSessionMiddleware } from '../sessions/middleware';
import type { UserSessionIndex } from '../sessions/user-sessions';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Notices a page may show from `?notice=` (after the session that could carry them has ended). A Map:
 * the key comes from the URL, and `?notice=__proto__` must find nothing.
 */
const QUERY_NOTICES: ReadonlyMap<string, MessageKey> = new Map([
  ['account_deleted', 'notice.account_deleted'],
  ['session_expired', 'error.session_expired'],
  ['signed_out_everywhere', 'notice.signed_out_everywhere'],
]);

/** What {@link createApp} is built from. Tests pass their own of each. */
export interface AppDeps {
  config: AppConfig;
  cognito: {
    settings: CognitoSettings;
    client: CognitoIdentityProviderClient;
    /** Defaults to a JWKS-backed verifier for `settings`. */
    verifier?: TokenVerifier;
    /** Defaults to the SDK-backed service over `client`; tests wrap it at the client boundary instead. */
    users?: UserService;
  };
  /** The offline mailbox: only for the embedded emulator outside production (server.ts decides). */
  mailbox?: Mailbox | undefined;
  sessionStore: session.Store;
  /** The per-user index of session ids; defaults to the one `sessionStore` keeps (SQLite, Redis, memory). */
  sessionIndex?: UserSessionIndex;
  sessionSecret: string;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to expire sessions and tokens. */
  clock?: Clock;
  /** What /readyz checks besides the JWKS; defaults to a store that is always up. */
  readiness?: ReadinessChecks;
  /** Where rate-limit counts live; defaults to memory (per process). */
  rateLimitStores?: RateLimitStoreFactory | undefined;
}

/**
 * Assembles the Express app: security headers, logging, sessions, Passport, CSRF, routes and error
 * pages. Never listens and reads no environment: `server.ts` does both.
 */
export function createApp(deps: AppDeps): express.Express {
  const { config, cognito, logger, mailbox } = deps;
  const clock = deps.clock ?? Date.now;
  const production = config.env === 'production';
  // The offline mailbox exists only on the emulator outside production, whatever a caller passes.
  const mailboxEnabled = mailbox !== undefined && cognito.settings.emulator && !production;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  app.set('view engine', 'ejs');
  app.set('views', path.join(ROOT, 'views'));
  app.set('query parser', 'simple');

  // Probes come before request logging and sessions: frequent, anonymous, and they must not need the store.
  app.use(
    createHealthRouter({
      settings: cognito.settings,
      checks: deps.readiness ?? { sessionStore: async () => true },
      clock,
    }),
  );
  app.use(createHttpLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          // Chrome applies form-action to the redirects a form submission leads to: Cognito's pages.
          formAction: ["'self'", new URL(cognito.settings.authorizationUrl).origin],
          ...(production ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use('/public', express.static(path.join(ROOT, 'public'), { index: false, maxAge: '1h' }));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(localeMiddleware({ secureCookie: production }));
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  app.use(createSessionMiddleware({ config, store: deps.sessionStore, index: deps.sessionIndex, secret: deps.sessionSecret, clock }));

  const verifier = cognito.verifier ?? createTokenVerifier(cognito.settings);
  const users = cognito.users ?? createUserService(cognito.client, cognito.settings);
  const pendingAuthorizations = createPendingAuthorizations({ clock });
  const passport = createPassport({ settings: cognito.settings, callbackUrl: callbackUrl(config.appBaseUrl), verifier, users, pendingAuthorizations });
  app.use(passport.initialize());
  app.use(passport.session());

  const csrf = csrfSync({ size: 32, getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined });
  app.use(csrf.csrfSynchronisedProtection);
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.user = req.user;
    res.locals.emulator = cognito.settings.emulator;
    // Lazy: only pages with a form create a token (and so a session).
    res.locals.csrfToken = () => csrf.generateToken(req);
    res.locals.languageHref = (locale: Locale) => languageSwitchHref(req.path, locale);
    // The link shows only where the page answers this client.
    res.locals.mailbox = mailboxEnabled && mayReadMailbox(req, config.devMailboxOpen);
    // One-shot notices: from the session (set before a redirect), or a few fixed ones by query key.
    res.locals.takeNotice = () => {
      const fromSession = req.session?.notice;
      if (fromSession) delete req.session.notice;
      const fromQuery = (req.query as Record<string, unknown>).notice;
      return fromSession ?? (typeof fromQuery === 'string' ? QUERY_NOTICES.get(fromQuery) : undefined);
    };
    next();
  });

  const limiters = createRateLimiters(config, deps.rateLimitStores);
  const sessionCookieName = config.session.cookieName;
  const refresher = createTokenRefresher({ users, settings: cognito.settings, verifier });
  const requireAuth = createRequireAuth({ refresher, clock, cookieName: sessionCookieName });
  const account = { users, verifier, passport, limiters, sessionCookieName, requireAuth, clock, mailbox, logger };
  app.use(createPagesRouter({ config, requireAuth }));
  app.use(createSignupRouter(account));
  app.use(createLoginRouter(account));
  app.use(createMfaRouter({ ...account, mfa: createMfaService(cognito.client, cognito.settings) }));
  app.use(createPasswordRouter(account));
  app.use(createProfileRouter(account));
  app.use(createEmailRouter({ ...account, emails: createEmailService(cognito.client, cognito.settings, users) }));
  if (mailboxEnabled) app.use(createDevMailboxRouter(mailbox, { open: config.devMailboxOpen }));
  app.use(
    createAuthRouter({
      passport,
      pendingAuthorizations,
      limiters,
      settings: cognito.settings,
      cognitoClient: cognito.client,
      appBaseUrl: config.appBaseUrl,
      sessionCookieName,
      clock,
      logger,
    }),
  );
  app.use(notFound);
  app.use(errorPage);
  return app;
}
