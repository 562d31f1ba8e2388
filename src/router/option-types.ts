import type { Request } from 'express';
import type session from 'express-session';
import type { LoggerLike } from '../log';
import type { CognitoUser } from '../auth/types';
import type { Mailbox } from '../cognito/mailbox';
import type { CognitoOptions } from '../cognito/settings';
import type { Locale } from '../i18n';
import type { SessionStoreHandle } from '../sessions';
import type { RenderOptions } from './render';
import type { RateLimits, RateLimitStoreFactory } from './routes/rate-limit';

/**
 * The package's own session (cookie and store). Leave `store` out to use the host's express-session,
 * which must then run before the router (the lifetimes still apply to the package's sign-in).
 */
export interface SessionOptions {
  /** From `createSqliteStore()`, `createRedisStore()` or `createMemoryStore()` (or any express-session store). */
  store?: SessionStoreHandle | session.Store | undefined;
  /**
   * Signs the session cookie (with `store`) and the CSRF cookie of the sign-in forms shown to signed-out
   * visitors: at least 32 characters; a list rotates (the first signs, all verify). Required with `store`.
   * On the host's express-session, give the secret that session uses: required in production, where every
   * instance must accept the others' forms; outside production each process makes one of its own.
   */
  secret?: string | string[] | undefined;
  /** Default `__Host-cognito.sid` with a Secure cookie, else `cognito.sid`. */
  cookieName?: string | undefined;
  /** A sign-in unused this long ends, in seconds. Default 2 hours. */
  idleTimeoutSeconds?: number | undefined;
  /** A sign-in ends this long after it started whatever its use, in seconds. Default 12 hours. */
  absoluteTimeoutSeconds?: number | undefined;
  /** `Secure` cookies. Default: on when `production`. */
  secureCookie?: boolean | undefined;
}

/** Which pages the router serves. */
export interface PagesOptions {
  /** The custom pages (sign-in, sign-up, password, profile, e-mail, two-step). Default true. */
  custom?: boolean | undefined;
  /** Sign-up and its confirmation (with `custom`). Default true. */
  signUp?: boolean | undefined;
  /** The Hosted UI (Managed Login) sign-in: `/login/hosted` and `/callback`. Default true. */
  hostedUi?: boolean | undefined;
  /** The emulator's offline mailbox at `/dev/mailbox` (emulator only, never in production). */
  mailbox?: Mailbox | undefined;
  /** Let every client read the mailbox, not only this machine (a container behind a loopback port). */
  mailboxOpen?: boolean | undefined;
  /**
   * Sign-up tells a visitor that an address already has an account (the behaviour before 0.3). Default
   * false: an existing address gets the same answer as a new one, so sign-up reveals nobody's account.
   */
  revealExistingAccounts?: boolean | undefined;
}

/** Request limits of the sign-in pages, and where their counts live. */
export interface RateLimitOptions extends Partial<RateLimits> {
  /** Where the counts live; default Redis when the session store is Redis, else memory (per process). */
  store?: RateLimitStoreFactory | undefined;
}

/** Options of `cognitoAuth()`. Validated once: a bad option throws `CognitoAuthError('invalid_options')` naming each. */
export interface CognitoAuthOptions {
  /** The host app's public origin, e.g. `https://shop.example.com` (http only when not `production`). */
  baseUrl: string;
  /**
   * Where the package's pages live, such as `/account`. With `app.use(cognitoAuth({ …, mountPath }))` the
   * router serves its pages there and puts `req.cognito` on every request. With `app.use('/account', auth)`
   * it may be left out: the router takes the path it is mounted at.
   */
  mountPath?: string | undefined;
  cognito: CognitoOptions;
  session?: SessionOptions | undefined;
  pages?: PagesOptions | undefined;
  /** The languages offered, the first being the fallback. Default `['en', 'ja']`. */
  languages?: Locale[] | undefined;
  /** The host's own language choice; wins whenever it returns one of `languages`. */
  locale?: ((req: Request) => Locale | undefined) | undefined;
  /** Runs after every sign-in, before the redirect onwards; throwing refuses the sign-in. */
  afterSignIn?: ((req: Request, user: CognitoUser) => void | Promise<void>) | undefined;
  /** Where a sign-in without `returnTo` goes; a string sets both. Default: `<mount>/profile` for both (`defaultReturnTo.custom` for the Hosted UI when only that is set; `homePath` for the Hosted UI with `pages.custom: false`). */
  defaultReturnTo?: string | { hostedUi?: string | undefined; custom?: string | undefined } | undefined;
  /** Where the browser goes once signed out (register `<baseUrl><afterSignOutTo>` as a sign-out URL). Default `homePath`. */
  afterSignOutTo?: string | undefined;
  /** The host's start page: the site name and the error page link there. Default `/`. */
  homePath?: string | undefined;
  /** The product name in the pages' header and titles, in every language. Default: the catalogue's name. */
  appName?: string | undefined;
  /**
   * The pool's identity providers to offer as "Sign in with …" buttons, by their names in the pool
   * (`Google`, `SignInWithApple`, a SAML or OIDC provider's name); each starts the Hosted UI with
   * `identity_provider=<name>`. Needs the Hosted UI. Default: none.
   */
  identityProviders?: string[] | undefined;
  render?: RenderOptions | undefined;
  /** The package's security headers (helmet: CSP, HSTS in production, …) on its own pages. Default true. */
  securityHeaders?: boolean | undefined;
  rateLimits?: RateLimitOptions | undefined;
  /** pino-compatible; the host's pino-http `req.log` is used where present. Default: silent. */
  logger?: LoggerLike | undefined;
  /** Production rules: no emulator, no http `baseUrl`, no mailbox, Secure cookies, HSTS, cached templates. Default: `baseUrl` is https. */
  production?: boolean | undefined;
  /** Milliseconds since the epoch; for tests that move time. */
  clock?: (() => number) | undefined;
}
