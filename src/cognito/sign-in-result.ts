import type { AuthenticationResultType, ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthError } from '../errors';
import type { FirstAuthFactor } from './pool-settings';

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
 * Any step of a sign-in, choice-based ones included: a password sign-in's outcomes, and the challenges of
 * `USER_AUTH` — the choice of first factor (`SELECT_CHALLENGE`), the code sent by e-mail (`EMAIL_OTP`), and
 * a passkey's assertion (`WEB_AUTHN`, whose `options` is `CREDENTIAL_REQUEST_OPTIONS`, a JSON string).
 */
export type SignInStep =
  | SignInResult
  | { kind: 'select'; session: string; username: string; available: FirstAuthFactor[] }
  | { kind: 'email-code'; session: string; username: string; destination: string | undefined }
  | { kind: 'passkey'; session: string; username: string; options: string };

/** What InitiateAuth, AdminInitiateAuth and their RespondToAuthChallenge twins answer, in the fields read here. */
export interface AuthAnswer {
  ChallengeName?: ChallengeNameType | undefined;
  Session?: string | undefined;
  ChallengeParameters?: Record<string, string> | undefined;
  AvailableChallenges?: ChallengeNameType[] | undefined;
  AuthenticationResult?: AuthenticationResultType | undefined;
}

const FIRST_FACTORS_READ: readonly string[] = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'];

/**
 * Reads a sign-in answer. Only the challenges the custom pages can answer pass; MFA_SETUP (a pool where
 * MFA is required and the person has none yet) gets its own message; any other challenge is one this
 * pool is not set up for. `name` is what the call named the user (the address typed).
 */
export function signInStepOf(out: AuthAnswer, name: string): SignInStep {
  if (!out.ChallengeName) return { kind: 'tokens', tokens: toApiTokens(out.AuthenticationResult) };
  // Cognito wants the answer to name the user as the challenge does (the internal username, not the e-mail
  // alias), with the SECRET_HASH over that same name.
  const username = out.ChallengeParameters?.USER_ID_FOR_SRP ?? out.ChallengeParameters?.USERNAME ?? name;
  const session = out.Session;
  if (!session) throw new CognitoAuthError('cognito_unknown', `signIn: challenge ${out.ChallengeName} without a session`);
  switch (out.ChallengeName) {
    case 'NEW_PASSWORD_REQUIRED':
      return { kind: 'new-password-required', session, username };
    case 'SOFTWARE_TOKEN_MFA':
      return { kind: 'mfa-required', session, username };
    case 'SELECT_CHALLENGE': {
      const available = (out.AvailableChallenges ?? []).filter((c): c is FirstAuthFactor => FIRST_FACTORS_READ.includes(c));
      return { kind: 'select', session, username, available };
    }
    case 'EMAIL_OTP':
      return { kind: 'email-code', session, username, destination: out.ChallengeParameters?.CODE_DELIVERY_DESTINATION };
    case 'WEB_AUTHN': {
      const options = out.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS;
      if (!options) throw new CognitoAuthError('cognito_unknown', 'signIn: WEB_AUTHN without CREDENTIAL_REQUEST_OPTIONS');
      return { kind: 'passkey', session, username, options };
    }
    case 'MFA_SETUP':
      throw new CognitoAuthError('mfa_setup_required', 'signIn: MFA_SETUP');
    default:
      throw new CognitoAuthError('cognito_unknown', `signIn: unexpected challenge ${out.ChallengeName}`);
  }
}

/** A password sign-in's answer: tokens, a new password, or the two-step code; any other step is unexpected. */
export function signInResultOf(out: AuthAnswer, name: string): SignInResult {
  const step = signInStepOf(out, name);
  if (step.kind === 'tokens' || step.kind === 'new-password-required' || step.kind === 'mfa-required') return step;
  throw new CognitoAuthError('cognito_unknown', `signIn: unexpected challenge ${String(out.ChallengeName)}`);
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
