import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppConfig } from '../config';
import { AppError } from '../errors';

/** The limiters of the sign-in, sign-up, confirm and password pages. */
export interface RateLimiters {
  /** Requests per minute per client IP, on every method of those pages. */
  perIp: RequestHandler;
  /** Failed sign-ins per email address per window (a successful one does not count). */
  signInFailuresPerEmail: RequestHandler;
  /** Hosted UI sign-in starts (`GET /auth/login`) per minute per client IP: each one stores a session. */
  signInStartsPerIp: RequestHandler;
}

/** Answers with the localized 429 page (express-rate-limit has set `Retry-After` and `RateLimit`). */
function tooMany(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('rate_limited'));
}

/**
 * Creates the limiters. They count in memory, per process: each app instance has its own (tests build
 * many apps, each starting from zero).
 */
export function createRateLimiters(config: Pick<AppConfig, 'rateLimit'>): RateLimiters {
  return {
    perIp: rateLimit({
      windowMs: 60_000,
      limit: config.rateLimit.perIpPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: tooMany,
    }),
    signInFailuresPerEmail: rateLimit({
      windowMs: config.rateLimit.signInWindowSeconds * 1000,
      limit: config.rateLimit.signInFailures,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      keyGenerator: (req) => {
        const email = (req.body as Record<string, unknown> | undefined)?.email;
        return `signin:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
      },
      handler: tooMany,
    }),
    signInStartsPerIp: rateLimit({
      windowMs: 60_000,
      limit: config.rateLimit.signInStartsPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: tooMany,
    }),
  };
}
