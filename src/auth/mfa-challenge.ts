import type { Request } from 'express';
import { MFA_CHALLENGE_TTL_MS } from '../cognito/mfa-service';
import { peekState, sessionState } from './session-state';
import type { MfaChallenge } from './types';

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
