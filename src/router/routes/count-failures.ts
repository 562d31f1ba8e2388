import type { Request, RequestHandler, Response } from 'express';
import { countAgainstAccount } from './rate-limit';

/** Runs limiters in order, as their route would; throws the 429 error once one refuses. */
async function runLimiters(req: Request, res: Response, limiters: RequestHandler[]): Promise<void> {
  for (const limiter of limiters) {
    await new Promise<void>((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- Express's next(err) error, passed on as it came
      void limiter(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });
  }
}

/**
 * Makes this request count against the sign-in failure limits of `email` (they key on the body's
 * address) and runs those limiters; throws the 429 error once the address reached its limit. Called
 * after a page's own validation, right before a password goes to Cognito, so that a form mistake never
 * counts as a guess while a wrong password counts as a failed sign-in does.
 */
export async function countAsSignInAttempt(req: Request, res: Response, limiters: RequestHandler[], email: string): Promise<void> {
  req.body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), email };
  await runLimiters(req, res, limiters);
}

/**
 * Makes this request count against a per-account limiter (`codeFailuresPerAccount`,
 * `mfaFailuresPerAccount`) for `account`, and runs it; throws the 429 error once the account reached its
 * limit. Called after the form's own validation, right before a code goes to Cognito: a malformed code
 * is no guess, and an accepted one (a response below 400) is not counted.
 */
export async function countAsCodeAttempt(req: Request, res: Response, limiter: RequestHandler, account: string): Promise<void> {
  countAgainstAccount(req, account);
  await runLimiters(req, res, [limiter]);
}
