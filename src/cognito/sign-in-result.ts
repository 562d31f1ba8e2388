import type { AuthenticationResultType, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthError } from '../errors';

/** Tokens straight from Cognito's API (InitiateAuth, RespondToAuthChallenge, a refresh). */
export interface ApiTokens {
  idToken: string;
  accessToken: string;
  /** Absent after a refresh: the refresh token stays the same. */
  refreshToken: string | undefined;
}

/**
 * The outcome of a password sign-in: tokens, or a challenge to answer first. `session` is Cognito's
 * challenge session (server-side only); `username` is the challenge's `USER_ID_FOR_SRP`, the name the
 * answer must carry and its SECRET_HASH be computed over.
 */
export type SignInResult =
  | { kind: 'tokens'; tokens: ApiTokens }
  | { kind: 'new-password-required'; session: string; username: string }
  | { kind: 'mfa-required'; session: string; username: string };

/**
 * Reads InitiateAuth's answer. Only the challenges the custom pages can answer pass; MFA_SETUP (a pool
 * where MFA is required and the person has none yet) gets its own message; any other challenge is one
 * this pool is not set up for.
 */
export function signInResultOf(out: InitiateAuthCommandOutput, email: string): SignInResult {
  if (!out.ChallengeName) return { kind: 'tokens', tokens: toApiTokens(out.AuthenticationResult) };
  // Cognito wants the answer to name the user as the challenge does (the internal username, not the e-mail
  // alias), with the SECRET_HASH over that same name.
  const username = out.ChallengeParameters?.USER_ID_FOR_SRP ?? email;
  const session = out.Session;
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && session) return { kind: 'new-password-required', session, username };
  if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && session) return { kind: 'mfa-required', session, username };
  if (out.ChallengeName === 'MFA_SETUP') throw new CognitoAuthError('mfa_setup_required', 'signIn: MFA_SETUP');
  throw new CognitoAuthError('cognito_unknown', `signIn: unexpected challenge ${out.ChallengeName}`);
}

/** The tokens of a completed sign-in or refresh; Cognito answered without them only by a bug. */
export function toApiTokens(result: AuthenticationResultType | undefined): ApiTokens {
  if (!result?.IdToken || !result.AccessToken) throw new Error('Cognito answered without tokens');
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken,
  };
}
