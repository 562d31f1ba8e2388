import { z } from 'zod';
import { HTTP_ORIGIN_MESSAGE, isHttpOrigin, type CognitoOptions } from '../index';

/** A first factor of the sign-in page, as the package's `cognito.firstFactors` takes it. */
export type FirstFactor = NonNullable<CognitoOptions['firstFactors']>[number];

/** The first factors the package's sign-in page can offer. */
const FIRST_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] as const satisfies readonly FirstFactor[];

/*
 * The reference app's environment, variable by variable: what each accepts and its default. The rules
 * between variables, and the typed configuration made from them, are in config.ts.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const booleanString = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const httpUrl = z
  .string()
  .trim()
  .refine(isHttpOrigin, HTTP_ORIGIN_MESSAGE)
  .transform((v) => v.replace(/\/+$/, ''));

const port = z.coerce.number().int().min(1).max(65535);

/**
 * Comma-separated identity provider names as in the pool (`Google,SignInWithApple`). The rule is the
 * package's `identityProviders` rule, checked here too so that the message names the variable.
 */
const providerNames = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9.-]{0,30}[A-Za-z0-9]$/,
            'must be provider names as in the pool, comma-separated, such as Google,SignInWithApple',
          ),
      )
      .refine((names) => !names.some((name) => name.toUpperCase() === 'COGNITO'), 'COGNITO is the pool itself, not an identity provider')
      .refine((names) => new Set(names).size === names.length, 'must not name a provider twice'),
  );

/**
 * Comma-separated first factors of the sign-in page (`PASSWORD,EMAIL_OTP,WEB_AUTHN`, any case): the
 * package's `cognito.firstFactors` rule, checked here too so that the message names the variable.
 */
const firstFactors = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((name) => name.trim().toUpperCase())
      .filter((name) => name !== ''),
  )
  .pipe(
    z
      .array(z.string())
      .min(1)
      .refine(
        (names) => names.every((name) => (FIRST_FACTORS as readonly string[]).includes(name)),
        `must be first factors, comma-separated: ${FIRST_FACTORS.join(', ')}`,
      )
      .refine((names) => new Set(names).size === names.length, 'must not name a factor twice')
      .transform((names) => names as FirstFactor[]),
  );

/** `true`/`false` (one hop / none), or the number of trusted proxy hops. */
const proxyHops = z.union(
  [z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().max(10)), booleanString.transform((on) => (on ? 1 : 0))],
  { error: 'must be true, false, or the number of proxies in front of the app (0-10)' },
);

/** The environment variables the app reads: each one's rule and default. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  APP_BASE_URL: httpUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  TRUST_PROXY: proxyHops.default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APP_NAME: optionalString.pipe(z.string().max(60, 'must be at most 60 characters').optional()),
  DEV_MAILBOX_OPEN: booleanString.default(false),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_STORE: z.enum(['sqlite', 'redis', 'memory']).default('sqlite'),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  SESSION_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(2 * 60 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 60 * 60),
  SESSION_STORE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(2000),
  COGNITO_LOCAL_PORT: port.default(9229),
  COGNITO_ENDPOINT: optionalString.pipe(httpUrl.optional()),
  COGNITO_LOCAL_DIR: optionalString,
  // `local` is cognito-local's own convention; crossVariableProblems refuses it for real Cognito.
  COGNITO_REGION: optionalString.pipe(
    z
      .string()
      .regex(/^(local|[a-z]{2}(-gov)?-[a-z]+-\d)$/, 'must be an AWS region such as ap-northeast-1 (or local, with an emulator)')
      .optional(),
  ),
  COGNITO_USER_POOL_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as ap-northeast-1_AbCdEf123')
      .optional(),
  ),
  COGNITO_CLIENT_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[\w+]+$/, 'must be an app client id')
      .optional(),
  ),
  COGNITO_CLIENT_SECRET: optionalString,
  // The original walkthrough writes the domain bare (xxx.auth.ap-northeast-1.amazoncognito.com); accept that too.
  COGNITO_DOMAIN: optionalString.transform((v) => (v && !/^https?:\/\//.test(v) ? `https://${v}` : v)).pipe(httpUrl.optional()),
  COGNITO_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_NONCE: optionalString.pipe(booleanString.optional()),
  COGNITO_IDENTITY_PROVIDERS: optionalString.pipe(providerNames.optional()),
  COGNITO_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  COGNITO_SIGN_IN_API: optionalString.pipe(
    z
      .enum(['admin', 'public'], {
        error: 'must be admin (AdminInitiateAuth, the IAM credentials) or public (InitiateAuth, the client secret alone)',
      })
      .optional(),
  ),
  COGNITO_FIRST_FACTORS: optionalString.pipe(firstFactors.optional()),
  RATE_LIMIT_SIGNIN_FAILURES: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(50),
  RATE_LIMIT_SIGNIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_SIGNIN_START_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_MFA_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
});

/** Every variable `loadConfig()` reads, in the order of the schema (docs/configuration.md lists each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
