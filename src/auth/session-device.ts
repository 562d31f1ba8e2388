import type { Request } from 'express';
import type { CognitoSessionState } from './types';

/** How much of the user-agent string a session keeps: enough to name the browser and the system. */
export const USER_AGENT_MAX_LENGTH = 256;

/**
 * Records, when a sign-in starts, the browser's user-agent string (truncated), so that the sessions page
 * can name the browser and operating system. The sign-in method is already in the state (`user.provider`).
 */
export function recordSignInDevice(state: CognitoSessionState, req: Request): void {
  const ua = req.get('user-agent');
  if (ua) state.userAgent = ua.slice(0, USER_AGENT_MAX_LENGTH);
  else delete state.userAgent;
}

/** The user-agent string a stored sign-in recorded, if any. */
export function userAgentOf(state: CognitoSessionState | undefined): string | undefined {
  const ua = state?.userAgent;
  return typeof ua === 'string' ? ua : undefined;
}
