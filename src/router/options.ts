import type { Request } from 'express';
import type session from 'express-session';
import { z } from 'zod';
import { providerNamesSchema } from '../auth/federation';
import { SILENT_LOGGER, type LoggerLike } from '../auth/request-log';
import { safeReturnTo } from '../auth/return-to';
import type { CognitoUser } from '../auth/session-user';
import type { Mailbox } from '../cognito/mailbox';
import type { CognitoOptions } from '../cognito/settings';
import { CognitoAuthError } from '../errors';
import { LOCALES, type Locale } from '../i18n';
import type { SessionStoreHandle } from '../sessions';
import { knownUserSessionIndexFor } from '../sessions/user-sessions';
import type { RenderOptions } from './render';
import type { RateLimits, RateLimitStoreFactory } from './routes/rate-limit';

/**
 * The package's own session (cookie and store). Leave `store` out to use the host's express-session,
 * which must then run before the router (the lifetimes still apply to the package's sign-in).
 */
export interface SessionOptions {
  /** From `createSqliteStore()`, `createRedisStore()` or `createMemoryStore()` (or any express-session store). */
  store?: SessionStoreHandle | session.Store | undefined;
  /** Signs the cookie (at least 32 characters; a list rotates: the first signs, all verify). Required with `store`. */
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
  /** Where the router is mounted (`app.use(mountPath, auth)`). Default `/`. */
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
  /** Where a sign-in without `returnTo` goes. Default: `/` for the Hosted UI, `<mount>/profile` for the custom page. */
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

/** The options after validation, with every default filled in. */
export interface ResolvedOptions {
  baseUrl: string;
  mountPath: string;
  cognito: CognitoOptions;
  session:
    | { own: true; handle: SessionStoreHandle | undefined; store: session.Store; secret: string | string[]; cookieName: string; idleMs: number; absoluteMs: number; secureCookie: boolean }
    | { own: false; cookieName: string; idleMs: number; absoluteMs: number; secureCookie: boolean };
  pages: { custom: boolean; signUp: boolean; hostedUi: boolean; mailbox: Mailbox | undefined; mailboxOpen: boolean; revealExistingAccounts: boolean };
  languages: Locale[];
  locale: ((req: Request) => Locale | undefined) | undefined;
  afterSignIn: CognitoAuthOptions['afterSignIn'];
  defaultReturnTo: { hostedUi: string; custom: string };
  afterSignOutTo: string;
  homePath: string;
  appName: string | undefined;
  identityProviders: string[];
  render: RenderOptions;
  securityHeaders: boolean;
  rateLimits: RateLimits & { store: RateLimitStoreFactory | undefined };
  logger: LoggerLike;
  production: boolean;
  clock: () => number;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const origin = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.pathname.replace(/\/+$/, '') === '' && !u.search && !u.hash;
  } catch {
    return false;
  }
}, 'must be an http(s) origin such as https://app.example.com, without a path');
const sitePath = z.string().refine((v) => safeReturnTo(v) === v, 'must be a path on this site, such as /account');
const mountPath = z
  .string()
  .regex(/^\/?([A-Za-z0-9._~-]+\/)*[A-Za-z0-9._~-]*$/, 'must be a path such as /account (letters, digits, . _ ~ -)')
  .refine((v) => !v.split('/').some((segment) => /^\.+$/.test(segment)), 'must not have . or .. segments');
const seconds = z.number().int().min(60);
const positive = z.number().int().min(1);
const secret = z.string().min(32, 'must be at least 32 characters');
const store = z.custom<SessionStoreHandle | session.Store>(
  (v) => typeof v === 'object' && v !== null && (typeof (v as { get?: unknown }).get === 'function' || 'store' in v),
  'must be a session store (createSqliteStore(), createRedisStore(), createMemoryStore(), or an express-session store)',
);

const schema = z.strictObject({
  baseUrl: origin,
  mountPath: mountPath.optional(),
  cognito: z.strictObject({
    region: z.string().regex(/^[a-z0-9-]+$/, 'must be an AWS region such as ap-northeast-1'),
    userPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as ap-northeast-1_AbCdEf123'),
    clientId: z.string().regex(/^[\w+]+$/, 'must be an app client id'),
    clientSecret: z.string().min(1).optional(),
    domain: origin,
    issuer: z.url({ protocol: /^https?$/ }).optional(),
    endpoint: origin.optional(),
    nonce: z.boolean().optional(),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
    client: z.custom((v) => typeof (v as { send?: unknown })?.send === 'function', 'must be a CognitoIdentityProviderClient').optional(),
    contextData: z.boolean().optional(),
  }),
  session: z
    .strictObject({
      store: store.optional(),
      secret: z.union([secret, z.array(secret).min(1)]).optional(),
      cookieName: z.string().regex(/^[\w.!#$%&'*+^`|~-]+$/, 'must be a cookie name').optional(),
      idleTimeoutSeconds: seconds.optional(),
      absoluteTimeoutSeconds: seconds.optional(),
      secureCookie: z.boolean().optional(),
    })
    .optional(),
  pages: z
    .strictObject({
      custom: z.boolean().optional(),
      signUp: z.boolean().optional(),
      hostedUi: z.boolean().optional(),
      mailbox: z.custom<Mailbox>((v) => typeof (v as { read?: unknown })?.read === 'function', 'must be a mailbox').optional(),
      mailboxOpen: z.boolean().optional(),
      revealExistingAccounts: z.boolean().optional(),
    })
    .optional(),
  languages: z.array(z.enum(LOCALES)).min(1).optional(),
  locale: fn.optional(),
  afterSignIn: fn.optional(),
  defaultReturnTo: z.union([sitePath, z.strictObject({ hostedUi: sitePath.optional(), custom: sitePath.optional() })]).optional(),
  afterSignOutTo: sitePath.optional(),
  homePath: sitePath.optional(),
  appName: z.string().trim().min(1).max(60).optional(),
  identityProviders: providerNamesSchema.optional(),
  render: z.strictObject({ layout: fn.optional(), views: z.record(z.string(), z.string().startsWith('/', 'must be an absolute path')).optional() }).optional(),
  securityHeaders: z.boolean().optional(),
  rateLimits: z
    .strictObject({
      signInFailures: positive.optional(),
      signInFailuresPerEmail: positive.optional(),
      signInWindowSeconds: positive.optional(),
      perIpPerMinute: positive.optional(),
      signInStartsPerMinute: positive.optional(),
      mfaFailuresPerEmail: positive.optional(),
      codeFailuresPerAccount: positive.optional(),
      store: fn.optional(),
    })
    .optional(),
  logger: z.custom<LoggerLike>((v) => ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)?.[m] === 'function'), 'must be a logger (pino)').optional(),
  production: z.boolean().optional(),
  clock: fn.optional(),
});

/** Problems that involve more than one option; `o` has passed the schema. */
function crossOptionProblems(o: CognitoAuthOptions, production: boolean): string[] {
  const problems: string[] = [];
  if (production && o.baseUrl.startsWith('http:')) problems.push('baseUrl: must be https:// in production');
  if (production && o.cognito.endpoint !== undefined) problems.push('cognito.endpoint: an emulator is never used in production');
  if (o.session?.store && o.session.secret === undefined) problems.push('session.secret: required with session.store (at least 32 characters)');
  if (o.session && !o.session.store && o.session.secret !== undefined) {
    problems.push('session.secret: only with session.store (without a store the host’s express-session is used)');
  }
  if (o.pages?.custom === false && o.pages.hostedUi === false) problems.push('pages: the custom pages and the Hosted UI cannot both be off');
  if (o.pages?.hostedUi === false && (o.identityProviders?.length ?? 0) > 0) problems.push('identityProviders: they sign in through the Hosted UI, which pages.hostedUi turns off');
  const given = o.session?.store;
  if (given && !isHandle(given) && !knownUserSessionIndexFor(given)) {
    problems.push(
      'session.store: a store the package keeps no per-user session index for: use createSqliteStore(), createRedisStore() or createMemoryStore(), or pass { store, userSessions, ready, ping, close } with an index of your own',
    );
  }
  return problems;
}

/** True for a handle from the package's store factories rather than a bare express-session store. */
function isHandle(value: SessionStoreHandle | session.Store): value is SessionStoreHandle {
  return 'store' in value && typeof (value as SessionStoreHandle).ping === 'function';
}

/**
 * Validates the options once and fills in every default.
 *
 * @throws {@link CognitoAuthError} `invalid_options`, whose message and `problems` name each bad option.
 */
export function resolveOptions(input: CognitoAuthOptions): ResolvedOptions {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new CognitoAuthError('invalid_options', `Invalid cognitoAuth() options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  const o = input;
  const production = o.production ?? o.baseUrl.startsWith('https:');
  const problems = crossOptionProblems(o, production);
  if (problems.length > 0) {
    throw new CognitoAuthError('invalid_options', `Invalid cognitoAuth() options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  const mount = (o.mountPath ?? '/').replace(/\/+$/, '');
  const mountPathNormalised = mount === '' ? '' : mount.startsWith('/') ? mount : `/${mount}`;
  const secureCookie = o.session?.secureCookie ?? production;
  const lifetimes = {
    cookieName: o.session?.cookieName ?? (secureCookie ? '__Host-cognito.sid' : 'cognito.sid'),
    idleMs: (o.session?.idleTimeoutSeconds ?? 2 * 60 * 60) * 1000,
    absoluteMs: (o.session?.absoluteTimeoutSeconds ?? 12 * 60 * 60) * 1000,
    secureCookie,
  };
  const given = o.session?.store;
  const custom = o.pages?.custom ?? true;
  const home = o.homePath ?? '/';
  const returnTo = typeof o.defaultReturnTo === 'string' ? { hostedUi: o.defaultReturnTo, custom: o.defaultReturnTo } : (o.defaultReturnTo ?? {});
  return {
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    mountPath: mountPathNormalised,
    cognito: o.cognito,
    session: given
      ? { own: true, handle: isHandle(given) ? given : undefined, store: isHandle(given) ? given.store : given, secret: o.session!.secret!, ...lifetimes }
      : { own: false, ...lifetimes },
    pages: {
      custom,
      signUp: custom && (o.pages?.signUp ?? true),
      hostedUi: o.pages?.hostedUi ?? true,
      // The offline mailbox exists only on the emulator outside production, whatever a caller passes.
      mailbox: o.cognito.endpoint !== undefined && !production ? o.pages?.mailbox : undefined,
      mailboxOpen: o.pages?.mailboxOpen ?? false,
      revealExistingAccounts: o.pages?.revealExistingAccounts ?? false,
    },
    languages: o.languages ?? [...LOCALES],
    locale: o.locale,
    afterSignIn: o.afterSignIn,
    defaultReturnTo: { hostedUi: returnTo.hostedUi ?? '/', custom: returnTo.custom ?? `${mountPathNormalised}/profile` },
    afterSignOutTo: o.afterSignOutTo ?? home,
    homePath: home,
    appName: o.appName,
    identityProviders: o.identityProviders ?? [],
    render: o.render ?? {},
    securityHeaders: o.securityHeaders ?? true,
    rateLimits: {
      signInFailures: o.rateLimits?.signInFailures ?? 5,
      signInFailuresPerEmail: o.rateLimits?.signInFailuresPerEmail ?? 50,
      signInWindowSeconds: o.rateLimits?.signInWindowSeconds ?? 15 * 60,
      perIpPerMinute: o.rateLimits?.perIpPerMinute ?? 30,
      signInStartsPerMinute: o.rateLimits?.signInStartsPerMinute ?? 30,
      mfaFailuresPerEmail: o.rateLimits?.mfaFailuresPerEmail ?? 10,
      codeFailuresPerAccount: o.rateLimits?.codeFailuresPerAccount ?? 10,
      store: o.rateLimits?.store,
    },
    logger: o.logger ?? SILENT_LOGGER,
    production,
    clock: o.clock ?? Date.now,
  };
}
