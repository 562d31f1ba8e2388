import type { IdTokenClaims } from '../cognito/tokens';
import type { MfaChallenge } from './mfa-challenge';
import type { PendingAuthorization } from './pending-authorizations';

/** How a user signed in. */
export type SignInProvider = 'hosted-ui' | 'password';

/** Cognito tokens, kept server-side in the session beside the user, never in the user object views see. */
export interface SessionTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds since the epoch. */
  accessTokenExpiresAt: number;
  idTokenExpiresAt: number;
}

declare global {
  namespace Express {
    /** One user shape for both sign-in paths. */
    interface User {
      sub: string;
      username: string;
      email: string | undefined;
      provider: SignInProvider;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    tokens: SessionTokens;
    /** The verified ID token claims, shown on the complete page. */
    idClaims: Record<string, unknown>;
    /** Hosted UI sign-ins started in this browser and not yet back (a few, each expiring on its own). */
    pendingAuthorizations: PendingAuthorization[];
    /** The address being signed up, confirmed or reset: prefills the next form without a URL parameter. */
    pendingEmail: string;
    /** An e-mail change waiting for the code sent to the new address; `pending` while `email` is still the old one. */
    emailChange: { address: string; pending: boolean };
    /** A NEW_PASSWORD_REQUIRED challenge waiting for its answer (`username`: the challenge's USER_ID_FOR_SRP). */
    challenge: { email: string; session: string; username?: string | undefined; returnTo?: string | undefined };
    /** A SOFTWARE_TOKEN_MFA challenge waiting for its code: the second sign-in step (see auth/mfa-challenge.ts). */
    mfaChallenge: MfaChallenge;
    /** A TOTP secret associated but not yet confirmed by a first code (the two-step set-up page). */
    mfaSetup: { secret: string };
    /** A one-shot message for the next page (catalogue key). */
    notice: string;
    /** When the person signed in (ms); the absolute lifetime counts from here. */
    createdAt: number;
    /** When the session was last used (ms, to the minute); the idle lifetime counts from here. */
    lastSeenAt: number;
    /** Set on the fresh session that replaced one that outlived its lifetime. */
    expired: boolean;
  }
}

/** Makes the session user from verified ID token claims. */
export function userFromIdClaims(claims: IdTokenClaims, provider: SignInProvider): Express.User {
  return {
    sub: claims.sub,
    username: typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : claims.sub,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    provider,
  };
}
