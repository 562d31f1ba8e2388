import type { Request } from 'express';
import { SESSION_KEY, type CognitoSessionState, type CognitoUser, type SessionTokens } from './session-user';

type WithState = Record<typeof SESSION_KEY, CognitoSessionState | undefined>;

/**
 * The package's state in this request's session, or undefined. Never creates it: a read must not turn an
 * anonymous visitor's session into one worth saving.
 */
export function peekState(req: Request): CognitoSessionState | undefined {
  return (req.session as unknown as WithState | undefined)?.[SESSION_KEY];
}

/** The package's state in this request's session, created when missing (for a write). */
export function sessionState(req: Request): CognitoSessionState {
  const s = req.session as unknown as WithState;
  return (s[SESSION_KEY] ??= {});
}

/** The signed-in user of this session with their tokens, or undefined. */
export function signedInOf(req: Request): { user: CognitoUser; tokens: SessionTokens } | undefined {
  const state = peekState(req);
  return state?.user && state.tokens ? { user: state.user, tokens: state.tokens } : undefined;
}

/** The signed-in user; for handlers behind the sign-in guard, where there always is one. */
export function userOf(req: Request): CognitoUser {
  const user = peekState(req)?.user;
  if (!user) throw new Error('no signed-in user: this handler must run behind the sign-in guard');
  return user;
}

/** The session's tokens; for handlers behind the sign-in guard. */
export function tokensOf(req: Request): SessionTokens {
  const tokens = peekState(req)?.tokens;
  if (!tokens) throw new Error('no tokens: this handler must run behind the sign-in guard');
  return tokens;
}

/** True for a session (as the store holds it) with someone signed in. */
export function isSignedInSession(sess: unknown): boolean {
  return Boolean((sess as Partial<WithState> | null | undefined)?.[SESSION_KEY]?.user);
}
