import type { Request, RequestHandler, Response } from 'express';

/**
 * Makes this request count against the sign-in failure limits of `email` (they key on the body's
 * address) and runs those limiters; throws the 429 error once the address reached its limit. Called
 * after a page's own validation, right before a password goes to Cognito, so that a form mistake never
 * counts as a guess while a wrong password counts as a failed sign-in does.
 */
export async function countAsSignInAttempt(req: Request, res: Response, limiters: RequestHandler[], email: string): Promise<void> {
  req.body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), email };
  for (const limiter of limiters) {
    await new Promise<void>((resolve, reject) => {
      void limiter(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });
  }
}
