import type { IdTokenClaims } from '../cognito/tokens';
import { federatedProviderOf, identitiesFromClaim } from '../cognito/federation';
import type { MfaChallenge } from './mfa-challenge';
import type { PendingAuthorization } from './pending-authorizations';

/** How a user signed in: Cognito's Hosted UI (Managed Login), or the package's own sign-in page. */
export type SignInProvider = 'hosted-ui' | 'password';

/** The signed-in person, the same shape for both sign-in paths. */
export interface CognitoUser {
  /** Cognito's stable user id (the ID token's `sub`). */
  sub: string;
  /** Cognito's username (`cognito:username`); with e-mail sign-in pools, an id, not the address. */
  username: string;
  email: string | undefined;
  provider: SignInProvider;
  /**
   * The identity providers linked to the account (the names in the ID token's `identities` claim, such
   * as `Google` or a SAML provider's name); empty for an account with none.
   */
  identities: string[];
  /**
   * The provider a federated account signs in through (`Google`, …): such an account has no Cognito
   * password, and its attributes come from the provider. Undefined for the pool's own accounts, linked
   * ones included.
   */
  identityProvider?: string | undefined;
}

/** Cognito tokens, kept server-side in the session beside the user, never in the user object views see. */
export interface SessionTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds since the epoch. */
  accessTokenExpiresAt: number;
  idTokenExpiresAt: number;
}

/**
 * Everything one router keeps in a session, under its own key ({@link sessionKeyOf}), so that it never
 * meets what the host keeps there (its own Passport's `passport`, a cart, …) nor what another router
 * keeps there.
 */
export interface CognitoSessionState {
  /**
   * The pool (token issuer) and app client the state belongs to: a read by a router of another pool or
   * client finds nothing, whatever the key says.
   */
  issuer: string;
  clientId: string;
  /** Set once signed in (with `tokens` and `claims`). */
  user?: CognitoUser;
  tokens?: SessionTokens;
  /** The verified ID token claims. */
  claims?: Record<string, unknown>;
  /** When the person signed in (ms); the absolute lifetime counts from here. */
  createdAt?: number;
  /** When the session was last used (ms, to the minute); the idle lifetime counts from here. */
  lastSeenAt?: number;
  /** Until when (ms) the per-user session index lists this sign-in (moved with it to a new session id). */
  indexedUntil?: number;
  /** Set when a sign-in outlived its lifetime and was ended. */
  expired?: boolean;
  /** Hosted UI sign-ins started in this browser and not yet back (a few, each expiring on its own). */
  pendingAuthorizations?: PendingAuthorization[];
  /** The address being signed up, confirmed or reset: prefills the next form without a URL parameter. */
  pendingEmail?: string;
  /** An e-mail change waiting for the code sent to the new address; `pending` while `email` is still the old one. */
  emailChange?: { address: string; pending: boolean };
  /** A NEW_PASSWORD_REQUIRED challenge waiting for its answer (`username`: the challenge's USER_ID_FOR_SRP). */
  challenge?: { email: string; session: string; username?: string | undefined; returnTo?: string | undefined };
  /** A SOFTWARE_TOKEN_MFA challenge waiting for its code: the second sign-in step (see auth/mfa-challenge.ts). */
  mfaChallenge?: MfaChallenge;
  /** A TOTP secret associated but not yet confirmed by a first code (the two-step set-up page). */
  mfaSetup?: { secret: string };
  /** A one-shot message for the next page (catalogue key). */
  notice?: string;
  /** The synchronizer token of the package's forms (csrf-sync). */
  csrfToken?: string;
}

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
