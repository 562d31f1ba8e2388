import type { Request, Response } from 'express';
import { endSession, startSession, type SessionControl, type SignedIn } from '../../auth/start-session';
import type { Clock } from '../../auth/lifetimes';
import type { AfterSignIn } from './forms';

/**
 * The end of every sign-in (either path, any challenge): a new session, then the host's `afterSignIn`
 * hook, then 303 to `to`. A hook that throws refuses the sign-in: the session ends and the error goes on
 * to the error page.
 */
export async function finishSignIn(
  req: Request,
  res: Response,
  deps: { sessions: SessionControl; clock: Clock; afterSignIn?: AfterSignIn | undefined },
  signedIn: SignedIn,
  to: string,
  beforeHook?: () => void,
): Promise<void> {
  await startSession(req, deps.sessions, signedIn, deps.clock());
  beforeHook?.();
  if (deps.afterSignIn) {
    try {
      await deps.afterSignIn(req, signedIn.user);
    } catch (err) {
      await endSession(req, res, deps.sessions);
      throw err;
    }
  }
  res.redirect(303, to);
}
