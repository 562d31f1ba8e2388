import type { Request } from 'express';
import { MFA_CHALLENGE_TTL_MS } from '../cognito/mfa-service';
import { peekState, sessionState } from './session-state';

/**
 * A SOFTWARE_TOKEN_MFA challenge between the password and the code. It lives only in this browser's
 * server-side session (never in a URL or a form), ends with Cognito's challenge session, and is removed
 * when answered (the sign-in then regenerates the session anyway).
 */
export interface MfaChallenge {
  /** The challenge's USER_ID_FOR_SRP: the name the answer carries. */
  username: string;
  /** The address typed on the sign-in page: the rate limits count the code step against it too. */
  email: string;
  /** Cognito's challenge session. */
  session: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  returnTo?: string | undefined;
}

/** Keeps a new challenge in the session, replacing any earlier one. `now` in ms. */
export function holdMfaChallenge(req: Request, challenge: Omit<MfaChallenge, 'expiresAt'>, now: number): void {
  sessionState(req).mfaChallenge = { ...challenge, expiresAt: now + MFA_CHALLENGE_TTL_MS };
}

/**
 * The waiting challenge, `'expired'` when its time ran out (it is then removed), or undefined when there
 * is none.
 */
export function pendingMfaChallenge(req: Request, now: number): MfaChallenge | 'expired' | undefined {
  const state = peekState(req);
  const challenge = state?.mfaChallenge;
  if (!state || !challenge) return undefined;
  if (now >= challenge.expiresAt) {
    delete state.mfaChallenge;
    return 'expired';
  }
  return challenge;
}
