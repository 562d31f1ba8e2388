/*
 * What a router keeps in a session, as data: the shapes that the sign-in state, the pending sign-ins and
 * challenges, and the pages share. No logic here, so that every module of auth/ (and the layers above)
 * can name these without importing one another.
 */
import type { FirstAuthFactor } from '../cognito/pool-settings';
import type { SessionTokens } from '../cognito/tokens';

/** How a user signed in: Cognito's Hosted UI (Managed Login), or the package's own sign-in page with a password, a passkey or a code sent by e-mail. */
export type SignInProvider = 'hosted-ui' | 'password' | 'passkey' | 'email-code';

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
  /** Set once signed in (with `tokens`; the ID token's claims are read from it, not stored). */
  user?: CognitoUser;
  tokens?: SessionTokens;
  /** When the person signed in (ms); the absolute lifetime counts from here. */
  createdAt?: number;
  /** When the session was last used (ms, to the minute); the idle lifetime counts from here. */
  lastSeenAt?: number;
  /** Until when (ms) the per-user session index lists this sign-in (moved with it to a new session id). */
  indexedUntil?: number;
  /** The browser's user-agent string at sign-in, cut to 256 characters (the "where you're signed in" page). */
  userAgent?: string;
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
  /** A step of choice-based sign-in (choice, e-mailed code, passkey) waiting for its answer (auth/sign-in-flow.ts). */
  passwordlessChallenge?: PasswordlessChallenge | undefined;
  /** A TOTP secret associated but not yet confirmed by a first code (the two-step set-up page). */
  mfaSetup?: { secret: string };
  /** A one-shot message for the next page (catalogue key). */
  notice?: string;
  /** The synchronizer token of the package's forms (csrf-sync). */
  csrfToken?: string;
  /** When a step-up allowed adding a passkey (routes/passkeys.ts): the browser's passkey is taken within minutes of it. */
  passkeyRegistration?: { startedAt: number } | undefined;
}

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

/** One pending authorization as kept in the browser's session, found again by its `state` handle. */
export interface PendingAuthorization {
  /** The `state` sent to the provider: random, unguessable, usable once. */
  handle: string;
  /**
   * The callback it must come back to: two routers of one pool and client share a session key, and
   * neither may take the other's sign-ins.
   */
  redirectUri: string;
  /** Milliseconds since the epoch (the injectable clock). */
  expiresAt: number;
  /** passport-openidconnect's context: the nonce it sent, `max_age` and when it was issued. */
  nonce?: string;
  maxAge?: number;
  issued?: string;
  appState: AuthorizationAppState;
}

/** What the app keeps with one authorization request (passport-openidconnect's "app state"). */
export interface AuthorizationAppState {
  returnTo?: string | undefined;
  codeVerifier: string;
}

/**
 * A step of choice-based sign-in waiting for the visitor: the choice of first factor, the code sent by
 * e-mail, or the passkey. Like the two-step code's challenge it lives only in this browser's server-side
 * session (never in a URL or a form) and ends with Cognito's challenge session.
 */
export interface PasswordlessChallenge {
  step: 'select' | 'email-code' | 'passkey';
  /** The challenge's username: the name every answer carries. */
  username: string;
  /** The address typed on the sign-in page: the limits count the step against it. */
  email: string;
  /** Cognito's challenge session. */
  session: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  returnTo?: string | undefined;
  /** `select`: the factors Cognito offers this account (AvailableChallenges). */
  available?: FirstAuthFactor[] | undefined;
  /** `email-code`: where Cognito says it sent the code (masked). */
  destination?: string | undefined;
  /** `passkey`: `CREDENTIAL_REQUEST_OPTIONS`, the JSON string the browser's WebAuthn call takes. */
  options?: string | undefined;
}
