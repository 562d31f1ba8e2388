import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Request } from 'express';
import type session from 'express-session';
import { z } from 'zod';
import { providerNamesSchema } from '../cognito/federation';
import { normaliseMountPath } from '../urls/mount-urls';
import { SILENT_LOGGER, type LoggerLike } from '../log';
import { safeReturnTo } from '../urls/return-to';
import type { CognitoUser } from '../auth/types';
import type { Mailbox } from '../cognito/mailbox';
import { CognitoAuthError } from '../errors';
import { FIRST_AUTH_FACTORS } from '../cognito/pool-settings';
import type { CognitoOptions } from '../cognito/settings';
import { LOCALES, type Locale } from '../i18n';
import { isTestKit } from '../kit-marker';
import type { SessionStoreHandle } from '../sessions';
import { knownUserSessionIndexFor } from '../sessions/store-indexes';
import { HTTP_ORIGIN_MESSAGE, isHttpOrigin } from '../urls/origin';
import type { CognitoAuthOptions, PagesOptions, RateLimitOptions, SessionOptions } from './option-types';
import type { Layout, RenderOptions } from './render';
import type { RateLimits, RateLimitStoreFactory } from './routes/rate-limit';

export type { CognitoAuthOptions, PagesOptions, RateLimitOptions, SessionOptions } from './option-types';

/*
 * The one declaration of cognitoAuth()'s options: what each accepts, its default, and how the defaults
 * that depend on other options follow (`schema`). The public interfaces (option-types.ts, with their
 * TSDoc) must accept exactly what it accepts: the checks at the end of the file fail the type-check
 * otherwise.
 */

const fnOf = <T extends (...args: never[]) => unknown>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const origin = z.string().refine(isHttpOrigin, HTTP_ORIGIN_MESSAGE);
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

const cognitoSchema = z.strictObject({
  region: z.string().regex(/^[a-z0-9-]+$/, 'must be an AWS region such as ap-northeast-1'),
  userPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as ap-northeast-1_AbCdEf123'),
  clientId: z.string().regex(/^[\w+]+$/, 'must be an app client id'),
  clientSecret: z.string().min(1).optional(),
  domain: origin,
  issuer: z.url({ protocol: /^https?$/ }).optional(),
  endpoint: origin.optional(),
  nonce: z.boolean().optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
  client: z
    .custom<CognitoIdentityProviderClient>((v) => typeof (v as { send?: unknown })?.send === 'function', 'must be a CognitoIdentityProviderClient')
    .optional(),
  contextData: z.boolean().optional(),
  signInApi: z.enum(['admin', 'public']).optional(),
  firstFactors: z
    .array(z.enum(FIRST_AUTH_FACTORS))
    .min(1, 'must name at least one first factor (PASSWORD, EMAIL_OTP, WEB_AUTHN)')
    .refine((factors) => new Set(factors).size === factors.length, 'must not name a factor twice')
    .optional(),
  refreshTokenRotation: z.enum(['detect', 'on', 'off'], "must be 'detect', 'on' or 'off'").optional(),
});

const sessionSchema = z.strictObject({
  store: store.optional(),
  secret: z.union([secret, z.array(secret).min(1)]).optional(),
  cookieName: z
    .string()
    .regex(/^[\w.!#$%&'*+^`|~-]+$/, 'must be a cookie name')
    .optional(),
  idleTimeoutSeconds: seconds.default(2 * 60 * 60),
  absoluteTimeoutSeconds: seconds.default(12 * 60 * 60),
  secureCookie: z.boolean().optional(),
});

const pagesSchema = z.strictObject({
  custom: z.boolean().default(true),
  signUp: z.boolean().default(true),
  hostedUi: z.boolean().default(true),
  mailbox: z.custom<Mailbox>((v) => typeof (v as { read?: unknown })?.read === 'function', 'must be a mailbox').optional(),
  mailboxOpen: z.boolean().default(false),
  revealExistingAccounts: z.boolean().default(false),
});

/** The request limits' defaults (docs/api.md, `rateLimits`). */
const rateLimitsSchema = z.strictObject({
  signInFailures: positive.default(5),
  signInFailuresPerEmail: positive.default(50),
  signInWindowSeconds: positive.default(15 * 60),
  perIpPerMinute: positive.default(30),
  signInStartsPerMinute: positive.default(30),
  mfaFailuresPerEmail: positive.default(10),
  codeFailuresPerAccount: positive.default(10),
  store: fnOf<RateLimitStoreFactory>().optional(),
});

type Views = NonNullable<RenderOptions['views']>;
const renderSchema = z.strictObject({
  layout: fnOf<Layout>().optional(),
  views: (z.record(z.string(), z.string().startsWith('/', 'must be an absolute path')) as z.ZodType<Views, Views>).optional(),
});

const returnToSchema = z.union([sitePath, z.strictObject({ hostedUi: sitePath.optional(), custom: sitePath.optional() })]);

/** The options as given, each checked and its constant default filled in. */
const givenSchema = z.strictObject({
  baseUrl: origin,
  mountPath: mountPath.optional(),
  cognito: cognitoSchema,
  session: sessionSchema.prefault({}),
  pages: pagesSchema.prefault({}),
  languages: z
    .array(z.enum(LOCALES))
    .min(1)
    .default(() => [...LOCALES]),
  locale: fnOf<(req: Request) => Locale | undefined>().optional(),
  afterSignIn: fnOf<(req: Request, user: CognitoUser) => void | Promise<void>>().optional(),
  defaultReturnTo: returnToSchema.optional(),
  afterSignOutTo: sitePath.optional(),
  homePath: sitePath.default('/'),
  appName: z.string().trim().min(1).max(60).optional(),
  identityProviders: providerNamesSchema.default(() => []),
  render: renderSchema.default(() => ({})),
  securityHeaders: z.boolean().default(true),
  rateLimits: rateLimitsSchema.prefault({}),
  logger: z
    .custom<LoggerLike>(
      (v) => ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)?.[m] === 'function'),
      'must be a logger (pino)',
    )
    .default(() => SILENT_LOGGER),
  production: z.boolean().optional(),
  clock: fnOf<() => number>().default(() => Date.now),
});

type Given = z.output<typeof givenSchema>;

/** True for a handle from the package's store factories rather than a bare express-session store. */
function isStoreHandle(value: SessionStoreHandle | session.Store): value is SessionStoreHandle {
  return 'store' in value && typeof value.ping === 'function';
}

/** Production rules: `production`, else an https `baseUrl`. */
const productionOf = (o: Pick<Given, 'production' | 'baseUrl'>) => o.production ?? o.baseUrl.startsWith('https:');

/** Adds a problem that involves more than one option; the path names the option to change. */
function crossOptionProblems(o: Given, ctx: z.RefinementCtx): void {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: path.split('.'), message });
  const production = productionOf(o);
  if (production && o.baseUrl.startsWith('http:')) problem('baseUrl', 'must be https:// in production');
  if (production && o.cognito.endpoint !== undefined) problem('cognito.endpoint', 'an emulator is never used in production');
  const given = o.session.store;
  if (given && o.session.secret === undefined) problem('session.secret', 'required with session.store (at least 32 characters)');
  if (!given && production && o.session.secret === undefined) {
    problem(
      'session.secret',
      'required in production on the host’s express-session: it signs the sign-in forms’ CSRF cookie alike on every instance (give the secret your express-session uses, at least 32 characters)',
    );
  }
  if (!o.pages.custom && !o.pages.hostedUi) problem('pages', 'the custom pages and the Hosted UI cannot both be off');
  if (!o.pages.hostedUi && o.identityProviders.length > 0)
    problem('identityProviders', 'they sign in through the Hosted UI, which pages.hostedUi turns off');
  if (given && !isStoreHandle(given) && !knownUserSessionIndexFor(given)) {
    problem(
      'session.store',
      'a store the package keeps no per-user session index for: use createSqliteStore(), createRedisStore() or createMemoryStore(), or pass { store, userSessions, ready, ping, close } with an index of your own',
    );
  }
}

/** The defaults that follow from other options. */
function resolveDependent(o: Given) {
  const production = productionOf(o);
  const { store: given, secret: sessionSecret, cookieName, idleTimeoutSeconds, absoluteTimeoutSeconds } = o.session;
  const secureCookie = o.session.secureCookie ?? production;
  const lifetimes = {
    cookieName: cookieName ?? (secureCookie ? '__Host-cognito.sid' : 'cognito.sid'),
    idleMs: idleTimeoutSeconds * 1000,
    absoluteMs: absoluteTimeoutSeconds * 1000,
    secureCookie,
  };
  const returnTo = typeof o.defaultReturnTo === 'string' ? { hostedUi: o.defaultReturnTo, custom: o.defaultReturnTo } : (o.defaultReturnTo ?? {});
  const { store: rateLimitStore, ...limits } = o.rateLimits;
  return {
    ...o,
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    /** Undefined: inferred from where the router is mounted. */
    mountPath: o.mountPath === undefined ? undefined : normaliseMountPath(o.mountPath),
    session: given
      ? {
          own: true as const,
          handle: isStoreHandle(given) ? given : undefined,
          store: isStoreHandle(given) ? given.store : given,
          secret: sessionSecret as string | string[],
          ...lifetimes,
        }
      : { own: false as const, secret: sessionSecret, ...lifetimes },
    pages: { ...o.pages, signUp: o.pages.custom && o.pages.signUp },
    /**
     * Undefined: the same page for both sign-in paths, `<mount>/profile` once the mount is known (the home
     * page for the Hosted UI where the router has no custom pages, so no profile).
     */
    defaultReturnTo: { hostedUi: returnTo.hostedUi, custom: returnTo.custom },
    afterSignOutTo: o.afterSignOutTo ?? o.homePath,
    rateLimits: { ...limits, store: rateLimitStore },
    production,
  };
}

/** cognitoAuth()'s options: checked, then every default filled in. */
export const schema = givenSchema.superRefine(crossOptionProblems).transform(resolveDependent);

/** The options after validation, with every default filled in. */
export type ResolvedOptions = z.output<typeof schema>;

/*
 * The public interfaces accept exactly what the schema accepts: the same option names, and the same
 * types both ways. A mismatch fails the type-check here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = Same<keyof A, keyof B>;
type Input = z.input<typeof givenSchema>;
type Check<T extends true> = T;
export type OptionSchemaChecks = [
  Check<Same<Input, CognitoAuthOptions>>,
  Check<SameKeys<Input, CognitoAuthOptions>>,
  Check<SameKeys<NonNullable<Input['session']>, SessionOptions>>,
  Check<SameKeys<NonNullable<Input['pages']>, PagesOptions>>,
  Check<SameKeys<NonNullable<Input['rateLimits']>, RateLimitOptions>>,
  Check<SameKeys<NonNullable<Input['render']>, RenderOptions>>,
  Check<SameKeys<Input['cognito'], CognitoOptions>>,
  Check<Same<Input['cognito'], CognitoOptions>>,
];

/** Each request limit with the test kit's `cognito` options, unless given: a suite signs in as often as it needs. */
const TEST_KIT_LIMIT = 1_000_000;

/** The limits the test kit relaxes (the window stays). */
const RELAXED_FOR_TEST_KIT = [
  'signInFailures',
  'signInFailuresPerEmail',
  'perIpPerMinute',
  'signInStartsPerMinute',
  'mfaFailuresPerEmail',
  'codeFailuresPerAccount',
] as const satisfies ReadonlyArray<keyof RateLimits>;

/**
 * Validates the options once and fills in every default. With the test kit's `cognito` options (on the
 * emulator, outside production), each request limit not given in `rateLimits` is relaxed.
 *
 * @throws {@link CognitoAuthError} `invalid_options`, whose message and `problems` name each bad option.
 */
export function resolveOptions(input: CognitoAuthOptions): ResolvedOptions {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new CognitoAuthError('invalid_options', `Invalid cognitoAuth() options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  const o = parsed.data;
  if (!isTestKit(input.cognito) || o.cognito.endpoint === undefined || o.production) return o;
  const given = input.rateLimits ?? {};
  const limits = { ...o.rateLimits };
  for (const name of RELAXED_FOR_TEST_KIT) if (given[name] === undefined) limits[name] = TEST_KIT_LIMIT;
  return { ...o, rateLimits: limits };
}
