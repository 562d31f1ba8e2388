import type { AppConfig } from '../app/config';

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
}

/** The pool and client ids, from configuration or from provisioning the emulator. */
export interface PoolIds {
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
}

/**
 * Derives endpoints and issuer from the configuration and the pool ids.
 *
 * @param emulatorUrl - the emulator's URL (embedded or COGNITO_ENDPOINT); undefined on real Cognito.
 */
export function resolveCognitoSettings(config: AppConfig, ids: PoolIds, emulatorUrl?: string): CognitoSettings {
  const c = config.cognito;
  if (emulatorUrl === undefined) {
    const issuer = c.issuer ?? `https://cognito-idp.${c.region}.amazonaws.com/${ids.userPoolId}`;
    const domain = c.domain as string;
    return {
      emulator: false,
      region: c.region,
      ...ids,
      issuer,
      authorizationUrl: `${domain}/oauth2/authorize`,
      tokenUrl: `${domain}/oauth2/token`,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      logoutUrl: `${domain}/logout`,
      apiEndpoint: undefined,
      nonce: c.nonce,
      timeoutMs: c.timeoutMs,
    };
  }
  // cognito-local serves the OAuth endpoints at its root and signs tokens with iss = <its URL>/<poolId>.
  const domain = c.domain ?? emulatorUrl;
  const issuer = c.issuer ?? `${emulatorUrl}/${ids.userPoolId}`;
  return {
    emulator: true,
    region: c.region,
    ...ids,
    issuer,
    authorizationUrl: `${domain}/oauth2/authorize`,
    tokenUrl: `${emulatorUrl}/oauth2/token`,
    jwksUri: `${emulatorUrl}/${ids.userPoolId}/.well-known/jwks.json`,
    logoutUrl: undefined,
    apiEndpoint: emulatorUrl,
    nonce: c.nonce,
    timeoutMs: c.timeoutMs,
  };
}
