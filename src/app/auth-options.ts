import type { CognitoAuthOptions, CognitoOptions, LoggerLike, Mailbox, RateLimitStoreFactory, SessionOptions } from '../index';
import type { AppConfig } from './config';

/** The pool and client ids, from configuration or from provisioning the emulator. */
export interface PoolIds {
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
}

/**
 * The `cognito` option from the configuration: real Cognito, or the emulator at `emulatorUrl` (embedded
 * or COGNITO_ENDPOINT), whose OAuth endpoints are at its root.
 */
export function cognitoOptionsFrom(config: Pick<AppConfig, 'cognito'>, ids: PoolIds, emulatorUrl?: string): CognitoOptions {
  const c = config.cognito;
  return {
    region: c.region,
    ...ids,
    domain: c.domain ?? emulatorUrl ?? '',
    issuer: c.issuer,
    endpoint: emulatorUrl,
    nonce: c.nonce,
    timeoutMs: c.timeoutMs,
    ...(c.signInApi ? { signInApi: c.signInApi } : {}),
    ...(c.firstFactors ? { firstFactors: c.firstFactors } : {}),
  };
}

/** What the options are made from besides the configuration: things server.ts starts or opens. */
export interface AuthRuntime {
  cognito: CognitoOptions;
  sessionStore: NonNullable<SessionOptions['store']>;
  sessionSecret: string;
  /** The offline mailbox: only for the emulator outside production (the package checks again). */
  mailbox?: Mailbox | undefined;
  logger: LoggerLike;
  clock?: (() => number) | undefined;
  /** Where rate-limit counts live; default Redis when the sessions are there, else memory. */
  rateLimitStore?: RateLimitStoreFactory | undefined;
}

/**
 * The reference app's `cognitoAuth()` options: mounted at `/`, its own session (cookie `sid`, or
 * `__Host-sid` in production), the Hosted UI ending on the complete page and the custom sign-in on the
 * profile page, as the original walkthrough has it.
 */
export function authOptionsFrom(config: AppConfig, runtime: AuthRuntime): CognitoAuthOptions {
  const production = config.env === 'production';
  return {
    baseUrl: config.appBaseUrl,
    mountPath: '/',
    cognito: runtime.cognito,
    session: {
      store: runtime.sessionStore,
      secret: runtime.sessionSecret,
      cookieName: config.session.cookieName,
      idleTimeoutSeconds: config.session.idleTimeoutSeconds,
      absoluteTimeoutSeconds: config.session.absoluteTimeoutSeconds,
      secureCookie: production,
    },
    appName: config.appName,
    identityProviders: config.cognito.identityProviders,
    pages: { mailbox: runtime.mailbox, mailboxOpen: config.devMailboxOpen },
    rateLimits: { ...config.rateLimit, store: runtime.rateLimitStore },
    logger: runtime.logger,
    production,
    clock: runtime.clock,
  };
}
