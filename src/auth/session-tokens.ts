import type { IdTokenClaims, TokenVerifier, SessionTokens } from '../cognito/tokens';
import { TokenValidationError } from '../errors';

/** Tokens as Cognito hands them over, before verification. */
export interface RawTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
}

/**
 * Verifies both tokens against the JWKS (and that they name the same user) and makes the session's token record, with the expiry times
 * taken from the verified claims. Every token enters the session through here (either sign-in path, or a
 * refresh), so requests afterwards need no verification and no call to Cognito.
 */
export async function sessionTokensFrom(verifier: TokenVerifier, raw: RawTokens): Promise<{ tokens: SessionTokens; claims: IdTokenClaims }> {
  const [claims, access] = await Promise.all([verifier.verifyIdToken(raw.idToken), verifier.verifyAccessToken(raw.accessToken)]);
  if (access.sub !== claims.sub) throw new TokenValidationError('the access token and the ID token name different users');
  return {
    claims,
    tokens: {
      idToken: raw.idToken,
      accessToken: raw.accessToken,
      refreshToken: raw.refreshToken,
      accessTokenExpiresAt: access.exp,
      idTokenExpiresAt: claims.exp,
    },
  };
}
