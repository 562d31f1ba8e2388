import type { TokenVerifier } from '../cognito/tokens';
import type { ApiTokens } from '../cognito/sign-in-result';
import { sessionTokensFrom } from './session-tokens';
import { userFromIdClaims } from './session-user';
import type { SignInProvider } from './types';
import type { SignedIn } from './start-session';

/**
 * Verifies the ID token that came with API tokens and makes the same user and tokens the Hosted
 * UI path makes, so every route sees one session shape. `provider` is how the person signed in (the
 * password unless a passkey or an e-mailed code did it).
 */
export async function signedInFromApiTokens(verifier: TokenVerifier, api: ApiTokens, provider: SignInProvider = 'password'): Promise<SignedIn> {
  const { tokens, claims } = await sessionTokensFrom(verifier, api);
  return { user: userFromIdClaims(claims, provider), tokens };
}
