import path from 'node:path';
import type { RateLimits } from '../index';
import { envSchema, type FirstFactor } from './config-schema';
import { ConfigError } from './config-error';

export { ConfigError } from './config-error';
export { loadDotEnv } from './dotenv';
export { CONFIG_VARIABLES } from './config-schema';

/**
 * Where the app's Cognito comes from:
 * - `embedded`: the app starts cognito-local itself under DATA_DIR (zero-config development);
 * - `emulator`: an already running cognito-local at COGNITO_ENDPOINT (docker-compose);
 * - `aws`: real Amazon Cognito; no emulator is started.
 */
export type CognitoMode = 'embedded' | 'emulator' | 'aws';

/** The validated, typed configuration. Nothing else in the app reads `process.env`. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  /**
   * Why `env` is what it is: NODE_ENV said so, or NODE_ENV is unset and APP_BASE_URL is https (an app
   * served over https is a deployment), or neither (the development default).
   */
  envReason: 'NODE_ENV' | 'https APP_BASE_URL' | 'default';
  port: number;
  host: string;
  appBaseUrl: string;
  dataDir: string;
  /** Behind a reverse proxy: trust its X-Forwarded-* headers. */
  trustProxy: boolean;
  /** How many proxies in front of the app are trusted (0 when `trustProxy` is false); see README. */
  trustProxyHops: number;
  logLevel: string;
  /** The product name in the pages' header and titles (APP_NAME); undefined: the catalogue's `app.name`. */
  appName: string | undefined;
  /**
   * The offline mailbox answers every client, not only this machine (DEV_MAILBOX_OPEN). For a container
   * whose published ports are bound to the host's loopback, where requests arrive from the bridge.
   */
  devMailboxOpen: boolean;
  session: {
    /** Undefined in development: server.ts then generates one and keeps it under DATA_DIR. */
    secret: string | undefined;
    store: 'sqlite' | 'redis' | 'memory';
    redisUrl: string | undefined;
    cookieName: string;
    /** A session unused for this long ends (rolling), in seconds. */
    idleTimeoutSeconds: number;
    /** A session ends this long after sign-in whatever its use, in seconds. */
    absoluteTimeoutSeconds: number;
    /** Time limit of every session-store operation (and of the readiness ping), in milliseconds. */
    storeTimeoutMs: number;
  };
  /** The package's `rateLimits` option, from the RATE_LIMIT_* variables. */
  rateLimit: RateLimits;
  cognito: {
    mode: CognitoMode;
    region: string;
    localPort: number;
    endpoint: string | undefined;
    /** Working directory of the external emulator (holding `.cognito/`), for the offline mailbox. */
    localDir: string | undefined;
    userPoolId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    domain: string | undefined;
    issuer: string | undefined;
    /** Send and check an OIDC nonce. Real Cognito echoes it; cognito-local does not. */
    nonce: boolean;
    /** The pool's identity providers offered as "Sign in with …" buttons (COGNITO_IDENTITY_PROVIDERS). */
    identityProviders: string[];
    /** Time limit for every call to Cognito or its emulator, in milliseconds. */
    timeoutMs: number;
    /** The API the custom sign-in pages call (COGNITO_SIGN_IN_API); the package's default when unset. */
    signInApi: 'admin' | 'public' | undefined;
    /** The first factors the sign-in page offers (COGNITO_FIRST_FACTORS); the password alone when unset. */
    firstFactors: FirstFactor[] | undefined;
  };
}

const REAL_COGNITO_VARS = [
  'COGNITO_REGION',
  'COGNITO_USER_POOL_ID',
  'COGNITO_CLIENT_ID',
  'COGNITO_CLIENT_SECRET',
  'COGNITO_DOMAIN',
  'APP_BASE_URL',
] as const;

const REAL_COGNITO_HINTS: Partial<Record<string, string>> = {
  COGNITO_CLIENT_SECRET: " (the app client's secret: the CDK stack's CognitoClientSecretCommand output prints it)",
};

/** The environment after {@link withoutEmptyValues}: every value trimmed and non-empty. */
type CleanEnv = Readonly<Record<string, string>>;

function present(env: CleanEnv, name: string): boolean {
  return env[name] !== undefined;
}

/**
 * NODE_ENV, or when it is unset: production for an https APP_BASE_URL (an app people reach over https is
 * deployed, and must not run the development set-up: emulator, offline mailbox, non-Secure cookie),
 * development otherwise. `NODE_ENV=development` keeps the development set-up on https on purpose.
 */
function envOf(env: CleanEnv): { env: string; reason: AppConfig['envReason'] } {
  if (present(env, 'NODE_ENV')) return { env: env.NODE_ENV as string, reason: 'NODE_ENV' };
  if (env.APP_BASE_URL?.startsWith('https://')) return { env: 'production', reason: 'https APP_BASE_URL' };
  return { env: 'development', reason: 'default' };
}

/** Said once with the problems of a production inferred from the base URL: why production, and the way out. */
const HTTPS_MEANS_PRODUCTION =
  'NODE_ENV: unset, and APP_BASE_URL is https://, so production settings apply (real Cognito, SESSION_SECRET, no emulator); set NODE_ENV=development to run the development set-up on https on purpose';

/** In production always real Cognito; elsewhere an explicit endpoint or pool means that, else embedded. */
function modeOf(env: CleanEnv): CognitoMode {
  if (env.NODE_ENV === 'production') return 'aws';
  if (present(env, 'COGNITO_ENDPOINT')) return 'emulator';
  if (['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN'].some((n) => present(env, n))) return 'aws';
  return 'embedded';
}

function crossVariableProblems(env: CleanEnv): string[] {
  const problems: string[] = [];
  const mode = modeOf(env);
  if (mode === 'aws') {
    for (const name of REAL_COGNITO_VARS) {
      if (!present(env, name)) problems.push(`${name}: required to use real Amazon Cognito${REAL_COGNITO_HINTS[name] ?? ''}`);
    }
    if (env.COGNITO_REGION === 'local') {
      problems.push(
        "COGNITO_REGION: local is cognito-local's placeholder; real Amazon Cognito needs the pool's region, such as ap-northeast-1 (the part of COGNITO_USER_POOL_ID before the _)",
      );
    }
  }
  if (mode === 'embedded' && (env.PORT ?? '3000') === (env.COGNITO_LOCAL_PORT ?? '9229')) {
    problems.push('COGNITO_LOCAL_PORT: the same port as PORT; the app and its embedded emulator each need their own');
  }
  if (env.SESSION_STORE === 'redis' && !present(env, 'REDIS_URL')) {
    problems.push('REDIS_URL: required with SESSION_STORE=redis (e.g. redis://localhost:6379)');
  }
  if (mode === 'emulator' && present(env, 'COGNITO_USER_POOL_ID') !== present(env, 'COGNITO_CLIENT_ID')) {
    problems.push('COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID: set both or neither with COGNITO_ENDPOINT');
  }
  if (env.NODE_ENV === 'production') {
    if (present(env, 'COGNITO_ENDPOINT')) problems.push('COGNITO_ENDPOINT: an emulator is never used when NODE_ENV=production');
    if (!present(env, 'SESSION_SECRET')) problems.push('SESSION_SECRET: required when NODE_ENV=production (at least 32 characters)');
    if (env.SESSION_STORE === 'memory') {
      problems.push('SESSION_STORE: memory loses sessions and is refused when NODE_ENV=production');
    }
    if (present(env, 'APP_BASE_URL') && !(env.APP_BASE_URL as string).startsWith('https://')) {
      problems.push('APP_BASE_URL: must be https:// when NODE_ENV=production (http://localhost is for development: NODE_ENV=development)');
    }
  }
  return problems;
}

/**
 * The environment as the rules read it: values trimmed, and an empty value dropped, so that `NODE_ENV=`
 * (as docker-compose and env files often write) means the default rather than an invalid value.
 */
function withoutEmptyValues(env: Record<string, string | undefined>): CleanEnv {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) kept[name] = trimmed;
  }
  return kept;
}

/**
 * Parses and validates the environment once, at start. An empty variable counts as unset.
 *
 * @param rawEnv - usually `process.env`; tests pass a plain object.
 * @throws {@link ConfigError} naming every missing or invalid variable.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>): AppConfig {
  const given = withoutEmptyValues(rawEnv);
  const inferred = envOf(given);
  const env: CleanEnv = { ...given, NODE_ENV: inferred.env };
  const parsed = envSchema.safeParse(env);
  // Cross-variable rules look at the unvalidated values, so that one message names every problem at once.
  const problems = crossVariableProblems(env);
  if (!parsed.success) {
    problems.unshift(...parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  if (problems.length > 0 && inferred.reason === 'https APP_BASE_URL') problems.push(HTTPS_MEANS_PRODUCTION);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const mode = modeOf(env);

  return {
    env: e.NODE_ENV,
    envReason: inferred.reason,
    port: e.PORT,
    host: e.HOST,
    appBaseUrl: e.APP_BASE_URL ?? `http://localhost:${e.PORT}`,
    dataDir: path.resolve(e.DATA_DIR),
    trustProxy: e.TRUST_PROXY > 0,
    trustProxyHops: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    appName: e.APP_NAME,
    devMailboxOpen: e.DEV_MAILBOX_OPEN,
    session: {
      secret: e.SESSION_SECRET,
      store: e.SESSION_STORE,
      redisUrl: e.REDIS_URL,
      cookieName: e.NODE_ENV === 'production' ? '__Host-sid' : 'sid',
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      storeTimeoutMs: e.SESSION_STORE_TIMEOUT_MS,
    },
    rateLimit: {
      signInFailures: e.RATE_LIMIT_SIGNIN_FAILURES,
      signInFailuresPerEmail: e.RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL,
      signInWindowSeconds: e.RATE_LIMIT_SIGNIN_WINDOW_SECONDS,
      perIpPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
      signInStartsPerMinute: e.RATE_LIMIT_SIGNIN_START_PER_MINUTE,
      mfaFailuresPerEmail: e.RATE_LIMIT_MFA_FAILURES_PER_EMAIL,
      codeFailuresPerAccount: e.RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT,
    },
    cognito: {
      mode,
      region: e.COGNITO_REGION ?? 'local',
      localPort: e.COGNITO_LOCAL_PORT,
      endpoint: e.COGNITO_ENDPOINT,
      localDir: e.COGNITO_LOCAL_DIR === undefined ? undefined : path.resolve(e.COGNITO_LOCAL_DIR),
      userPoolId: e.COGNITO_USER_POOL_ID,
      clientId: e.COGNITO_CLIENT_ID,
      clientSecret: e.COGNITO_CLIENT_SECRET,
      domain: e.COGNITO_DOMAIN,
      issuer: e.COGNITO_ISSUER,
      nonce: e.OIDC_NONCE ?? mode === 'aws',
      identityProviders: e.COGNITO_IDENTITY_PROVIDERS ?? [],
      timeoutMs: e.COGNITO_TIMEOUT_MS,
      signInApi: e.COGNITO_SIGN_IN_API,
      firstFactors: e.COGNITO_FIRST_FACTORS,
    },
  };
}
