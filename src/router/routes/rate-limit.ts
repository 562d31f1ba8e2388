import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { peekState } from '../../auth/session-state';
import { CognitoAuthError, type RateLimitName } from '../../errors';
import type { SendRedisCommand } from '../../sessions';

/** The limiters of the sign-in, sign-up, confirm and password pages. */
export interface RateLimiters {
  /** Requests per minute per client IP, on every method of those pages. */
  perIp: RequestHandler;
  /**
   * Failed sign-ins (a successful one does not count): per email address and client IP, then per email
   * address from all IPs together, a looser ceiling. In that order, so that requests the first one
   * refuses never count towards the ceiling that would lock the owner out.
   */
  signInFailures: RequestHandler[];
  /** Hosted UI sign-in starts (`GET /login/hosted`) per minute per client IP: each one stores a session. */
  signInStartsPerIp: RequestHandler;
  /**
   * Wrong codes on the two-step code page per account per hour, from all client IPs together: whoever
   * reaches that page already knows the password, so the code must not be guessable from many IPs.
   */
  mfaFailuresPerAccount: RequestHandler;
  /**
   * Wrong e-mail verification, sign-up confirmation and password-reset codes per account per hour, from
   * all client IPs together. Runs only through {@link countAgainstAccount}, which names the account.
   */
  codeFailuresPerAccount: RequestHandler;
}

/** How many requests the sign-in pages allow (see docs/api.md, `rateLimits`). */
export interface RateLimits {
  /** Failed sign-ins allowed per email address and client IP per window. */
  signInFailures: number;
  /** Failed sign-ins allowed per email address per window, from all client IPs together. */
  signInFailuresPerEmail: number;
  signInWindowSeconds: number;
  /** Requests per minute per client IP on the sign-in, sign-up, confirm and password pages. */
  perIpPerMinute: number;
  /** Hosted UI sign-in starts (`GET /login/hosted`) per minute per client IP. */
  signInStartsPerMinute: number;
  /** Wrong two-step codes allowed per account per hour, from all client IPs together. */
  mfaFailuresPerEmail: number;
  /** Wrong e-mail verification and password-reset codes allowed per account per hour, from all client IPs together. */
  codeFailuresPerAccount: number;
}

/** Makes the store of one limiter; `name` tells the limiters' counts apart. */
export type RateLimitStoreFactory = (name: string) => Store;

/**
 * Answers with the localized 429 page (express-rate-limit has set `Retry-After` and `RateLimit`), which
 * tells the real wait (the limiter's reset time) and, for `limit`, the way out.
 */
function tooMany(limit: RateLimitName) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const resetTime = (req as Request & { rateLimit?: { resetTime?: Date | undefined } }).rateLimit?.resetTime;
    const retryAfterSeconds = resetTime instanceof Date ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : undefined;
    next(new CognitoAuthError('rate_limited', 'rate limited', { retryAfterSeconds, limit }));
  };
}

/** Which limit each limiter (by its store name) is, for the 429 page. */
const LIMIT_NAMES: Record<string, RateLimitName> = {
  ip: 'requests',
  'signin-ip': 'sign_in_failures',
  'signin-email': 'sign_in_failures',
  'signin-start': 'sign_in_starts',
  'mfa-account': 'code_failures',
  'code-account': 'code_failures',
};

/** The email address a sign-in form names, as Cognito compares it. */
function emailOf(req: Request): string {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/** The account a handler named for this request's count (see {@link countAgainstAccount}). */
const namedAccounts = new WeakMap<Request, string>();

/**
 * Names the account this request counts against in the per-account limiters (`mfaFailuresPerAccount`,
 * `codeFailuresPerAccount`): for a handler that knows the account before it runs one of them.
 */
export function countAgainstAccount(req: Request, account: string): void {
  namedAccounts.set(req, account);
}

/**
 * The account a two-step code counts against: the one a handler named, else the pending challenge's
 * (Cognito's username, whatever address was typed).
 */
function challengeAccountOf(req: Request): string {
  return namedAccounts.get(req) ?? peekState(req)?.mfaChallenge?.username ?? emailOf(req);
}

/** The account a handler named; a limiter keyed on nobody would lump every account together. */
function namedAccountOf(req: Request): string {
  const account = namedAccounts.get(req);
  if (account === undefined) throw new Error('codeFailuresPerAccount runs only after countAgainstAccount() named the account');
  return account;
}

/**
 * Creates the limiters. Without `stores` they count in memory, per process (each app instance has its
 * own; tests build many apps, each starting from zero); with the Redis stores, every instance sharing
 * that Redis shares the counts.
 */
export function createRateLimiters(config: { rateLimit: RateLimits }, stores?: RateLimitStoreFactory): RateLimiters {
  const signInWindowMs = config.rateLimit.signInWindowSeconds * 1000;
  const common = (name: string): Partial<Options> => ({
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooMany(LIMIT_NAMES[name] ?? 'requests'),
    ...(stores ? { store: stores(name) } : {}),
  });
  return {
    perIp: rateLimit({
      ...common('ip'),
      windowMs: 60_000,
      limit: config.rateLimit.perIpPerMinute,
    }),
    signInFailures: [
      rateLimit({
        ...common('signin-ip'),
        windowMs: signInWindowMs,
        limit: config.rateLimit.signInFailures,
        skipSuccessfulRequests: true,
        keyGenerator: (req) => `${emailOf(req)} ${ipKeyGenerator(req.ip ?? '')}`,
      }),
      rateLimit({
        ...common('signin-email'),
        windowMs: signInWindowMs,
        limit: config.rateLimit.signInFailuresPerEmail,
        skipSuccessfulRequests: true,
        keyGenerator: (req) => emailOf(req),
      }),
    ],
    signInStartsPerIp: rateLimit({
      ...common('signin-start'),
      windowMs: 60_000,
      limit: config.rateLimit.signInStartsPerMinute,
    }),
    mfaFailuresPerAccount: rateLimit({
      ...common('mfa-account'),
      windowMs: 60 * 60_000,
      limit: config.rateLimit.mfaFailuresPerEmail,
      skipSuccessfulRequests: true,
      keyGenerator: challengeAccountOf,
    }),
    codeFailuresPerAccount: rateLimit({
      ...common('code-account'),
      windowMs: 60 * 60_000,
      limit: config.rateLimit.codeFailuresPerAccount,
      skipSuccessfulRequests: true,
      keyGenerator: namedAccountOf,
    }),
  };
}

/**
 * rate-limit-redis's store, made to live through Redis outages: its scripts are loaded again when the
 * first load failed (Redis not reachable at start), and a failing or silent Redis gives the 503 page,
 * as it does for sessions, instead of a 500.
 */
class SharedRedisStore extends RedisStore {
  override async init(options: Options): Promise<void> {
    try {
      await super.init(options);
    } catch {
      // Loaded again on first use (ensureScripts).
    }
  }

  override async get(key: string) {
    return this.unavailableOnError(() => super.get(key));
  }

  override async increment(key: string) {
    return this.unavailableOnError(() => super.increment(key));
  }

  override async decrement(key: string): Promise<void> {
    return this.unavailableOnError(() => super.decrement(key));
  }

  override async resetKey(key: string): Promise<void> {
    return this.unavailableOnError(() => super.resetKey(key));
  }

  private async unavailableOnError<T>(operation: () => Promise<T>): Promise<T> {
    try {
      await this.ensureScripts();
      return await operation();
    } catch (err) {
      if (err instanceof CognitoAuthError) throw err;
      throw new CognitoAuthError('session_store_unavailable', 'rate-limit store failed', { cause: err });
    }
  }

  private async ensureScripts(): Promise<void> {
    const failed = async (sha: Promise<string>) =>
      sha.then(
        () => false,
        () => true,
      );
    // A load started here may fail while no operation awaits it (get() awaits only its own script):
    // mark it handled, so that an unreachable Redis is a 503, never an unhandled rejection.
    const handled = (sha: Promise<string>) => {
      sha.catch(() => undefined);
      return sha;
    };
    if (await failed(this.incrementScriptSha)) this.incrementScriptSha = handled(this.loadIncrementScript());
    if (await failed(this.getScriptSha)) this.getScriptSha = handled(this.loadGetScript());
  }
}

/**
 * Limiter stores in Redis (rate-limit-redis), on the session store's connection, so that every app
 * instance sharing that Redis shares the counts. Keys are `<prefix><limiter>:<client key>`.
 */
export function createRedisRateLimitStores(sendCommand: SendRedisCommand, prefix = 'rl:'): RateLimitStoreFactory {
  return (name) =>
    new SharedRedisStore({
      prefix: `${prefix}${name}:`,
      sendCommand: (...args: string[]) => sendCommand(...args) as Promise<RedisReply>,
    });
}
