import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { FirstAuthFactor } from './pool-settings';

/**
 * Whether the app client rotates refresh tokens: `'detect'` asks Cognito once (`DescribeUserPoolClient`,
 * which needs the IAM permission `cognito-idp:DescribeUserPoolClient`); `'on'` / `'off'` say it where the
 * server may not ask.
 */
export type RefreshTokenRotationSetting = 'detect' | 'on' | 'off';

/**
 * Which Cognito API the custom pages sign in with: `admin` (`AdminInitiateAuth` and
 * `AdminRespondToAuthChallenge`, authorized by the server's IAM credentials) or `public` (`InitiateAuth`
 * and `RespondToAuthChallenge`, authorized by the client secret alone).
 */
export type SignInApi = 'admin' | 'public';

/**
 * The user pool and app client `cognitoAuth()` signs people in with: real Amazon Cognito, or cognito-local
 * (`endpoint` set; the test kit's `startCognitoLocal()` returns one of these).
 */
export interface CognitoOptions {
  /** AWS region of the pool, e.g. `ap-northeast-1` (`local` for the emulator). */
  region: string;
  userPoolId: string;
  clientId: string;
  /** The app client's secret (a confidential client, as this package expects for a server-side app). */
  clientSecret?: string | undefined;
  /** The Hosted UI (Managed Login) origin, e.g. `https://example.auth.ap-northeast-1.amazoncognito.com`. */
  domain: string;
  /** Token issuer; default `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` (or the emulator's). */
  issuer?: string | undefined;
  /** cognito-local's URL. Set only for the emulator: it switches on the emulator's differences, never in production. */
  endpoint?: string | undefined;
  /** Send and check an OIDC nonce. Default: on for AWS, off for cognito-local (which does not echo it). */
  nonce?: boolean | undefined;
  /** Time limit of every call to Cognito, in milliseconds. Default 5000. */
  timeoutMs?: number | undefined;
  /** An AWS SDK client of your own (credentials, proxy); default one made from `region` and `endpoint`. */
  client?: CognitoIdentityProviderClient | undefined;
  /**
   * Send the visitor's context (IP address, and on the admin API the allow-listed request headers) to
   * Cognito on every call that accepts it, for threat protection (adaptive authentication). Default false.
   */
  contextData?: boolean | undefined;
  /**
   * Which API the custom sign-in pages call. `admin` (default): `AdminInitiateAuth`
   * (`ADMIN_USER_PASSWORD_AUTH`, `USER_AUTH`) and `AdminRespondToAuthChallenge`, with the server's IAM
   * credentials and `ContextData`; the client must allow `ALLOW_ADMIN_USER_PASSWORD_AUTH`. `public`:
   * `InitiateAuth` (`USER_PASSWORD_AUTH`, `USER_AUTH`) and `RespondToAuthChallenge`, for a host without IAM
   * credentials; the client must allow `ALLOW_USER_PASSWORD_AUTH`.
   */
  signInApi?: SignInApi | undefined;
  /**
   * The first factors the sign-in page offers: `PASSWORD`, `EMAIL_OTP` (a code sent by e-mail),
   * `WEB_AUTHN` (a passkey). Default `['PASSWORD']`: today's password page. More than the password makes
   * the page choice-based (`USER_AUTH`, which the client must allow); a factor the pool's sign-in policy
   * does not allow is left out with a warning in the log.
   */
  firstFactors?: FirstAuthFactor[] | undefined;
  /**
   * Whether the app client rotates refresh tokens (Cognito's `RefreshTokenRotation`): `'detect'` (default)
   * asks Cognito once, with `DescribeUserPoolClient` (IAM permission `cognito-idp:DescribeUserPoolClient`);
   * `'on'` / `'off'` say it where the server may not ask. With rotation on, refreshes go through
   * `GetTokensFromRefreshToken` (with the client secret) and each keeps the new refresh token; a rotated-out
   * token used again (`RefreshTokenReuseException`) ends the session. Without the permission, `'detect'`
   * uses `GetTokensFromRefreshToken`, which works with rotation on and off.
   */
  refreshTokenRotation?: RefreshTokenRotationSetting | undefined;
}

/** Everything the sign-in code needs to know about one user pool and app client, wherever it runs. */
export interface CognitoSettings {
  /** True for cognito-local (embedded or external): enables emulator-only workarounds, never on AWS. */
  emulator: boolean;
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  jwksUri: string;
  /** Hosted UI `/logout`; undefined where the issuer has none (cognito-local). */
  logoutUrl: string | undefined;
  /** API endpoint for the SDK; undefined means the SDK's regional default (real Cognito). */
  apiEndpoint: string | undefined;
  nonce: boolean;
  timeoutMs: number;
  /** Send the visitor's context (`UserContextData` / `ContextData`) to Cognito. */
  contextData: boolean;
  /** The API the custom pages sign in with; `admin` when left out (settings a test builds by hand). */
  signInApi?: SignInApi | undefined;
  /** The first factors the sign-in page offers (before the pool's own policy is read); the password alone when left out. */
  firstFactors?: readonly FirstAuthFactor[] | undefined;
}

/** The pool and client ids, from configuration or from provisioning the emulator. */
export interface PoolIds {
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
}

/** Default time limit of a call to Cognito, in milliseconds. */
export const DEFAULT_COGNITO_TIMEOUT_MS = 5000;

/** Derives the endpoints and the issuer from the options. */
export function settingsFromOptions(options: CognitoOptions): CognitoSettings {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COGNITO_TIMEOUT_MS;
  const domain = options.domain.replace(/\/+$/, '');
  const ids = { userPoolId: options.userPoolId, clientId: options.clientId, clientSecret: options.clientSecret };
  const emulatorUrl = options.endpoint?.replace(/\/+$/, '');
  const signIn: Pick<CognitoSettings, 'signInApi' | 'firstFactors'> = {
    signInApi: options.signInApi ?? 'admin',
    firstFactors: [...new Set(options.firstFactors ?? ['PASSWORD' as const])],
  };
  if (emulatorUrl === undefined) {
    const issuer = options.issuer ?? `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
    return {
      emulator: false,
      region: options.region,
      ...ids,
      issuer,
      authorizationUrl: `${domain}/oauth2/authorize`,
      tokenUrl: `${domain}/oauth2/token`,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      logoutUrl: `${domain}/logout`,
      apiEndpoint: undefined,
      nonce: options.nonce ?? true,
      timeoutMs,
      contextData: options.contextData ?? false,
      ...signIn,
    };
  }
  // cognito-local serves the OAuth endpoints at its root and signs tokens with iss = <its URL>/<poolId>.
  const issuer = options.issuer ?? `${emulatorUrl}/${options.userPoolId}`;
  return {
    emulator: true,
    region: options.region,
    ...ids,
    issuer,
    authorizationUrl: `${domain}/oauth2/authorize`,
    tokenUrl: `${emulatorUrl}/oauth2/token`,
    jwksUri: `${emulatorUrl}/${options.userPoolId}/.well-known/jwks.json`,
    logoutUrl: undefined,
    apiEndpoint: emulatorUrl,
    nonce: options.nonce ?? false,
    timeoutMs,
    contextData: options.contextData ?? false,
    ...signIn,
  };
}
