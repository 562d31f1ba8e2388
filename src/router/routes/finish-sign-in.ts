import type { Request, Response } from 'express';
import type { FlowOutcome } from '../../auth/sign-in-flow';
import { endSession, startSession, type SessionControl, type SignedIn } from '../../auth/start-session';
import type { Clock } from '../../auth/lifetimes';
import { safeReturnTo } from '../../urls/return-to';
import type { AccountRouteDeps, AfterSignIn } from './forms';

/** What the sign-in page and its steps are built from. */
export type LoginRouteDeps = Pick<
  AccountRouteDeps,
  'users' | 'verifier' | 'limiters' | 'clock' | 'sessions' | 'urls' | 'signedInTo' | 'afterSignIn'
> & {
  /** A "Sign in with …" button for each (through the Hosted UI). */
  identityProviders: readonly string[];
};

/**
 * Sends the browser where a sign-in step leads: the next step's page, or (signed in) a new session and
 * its `returnTo` (same-origin only), else the default page. Shared by every step's handler.
 */
export async function followOutcome(req: Request, res: Response, deps: LoginRouteDeps, outcome: FlowOutcome): Promise<void> {
  if (outcome.kind === 'step') return res.redirect(303, deps.urls.to(outcome.page));
  await finishSignIn(req, res, deps, outcome.signedIn, safeReturnTo(outcome.returnTo) ?? deps.signedInTo);
}

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
