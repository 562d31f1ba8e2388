import type { IdTokenClaims } from '../cognito/tokens';
import { federatedProviderOf, identitiesFromClaim } from '../cognito/federation';
import type { CognitoUser, SignInProvider } from './types';

/** What every router's session key starts with (the rest names its pool and client). */
export const SESSION_KEY_PREFIX = 'cognito:';

/**
 * The session key of the router signing in with `clientId` at `issuer`: two routers of one pool and
 * client share it (and so their sign-in); any other pair of routers keeps its states apart.
 */
export function sessionKeyOf(issuer: string, clientId: string): string {
  return `${SESSION_KEY_PREFIX}${clientId}@${issuer}`;
}

/**
 * Makes the session user from verified ID token claims.
 *
 * @param identityProviders - the providers the router offers: a `cognito:username` of `<name>_…` marks a
 *   federated account even where the token lists no identities.
 */
export function userFromIdClaims(claims: IdTokenClaims, provider: SignInProvider, identityProviders: readonly string[] = []): CognitoUser {
  const username = typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : claims.sub;
  const identities = identitiesFromClaim(claims.identities);
  const identityProvider = federatedProviderOf(username, identities, identityProviders);
  return {
    sub: claims.sub,
    username,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    provider,
    identities,
    ...(identityProvider ? { identityProvider } : {}),
  };
}
