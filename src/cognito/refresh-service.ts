import {
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthError } from '../errors';
import { userContextDataOf, type Visitor } from './context-data';
import { callCognito } from './errors';
import { computeSecretHash, withSecretHash } from './secret-hash';
import type { CognitoSettings, RefreshTokenRotationSetting } from './settings';

export type { RefreshTokenRotationSetting } from './settings';
import { toApiTokens, type ApiTokens } from './sign-in-result';

/** Renews API tokens from a refresh token (password and passwordless sign-ins; not the Hosted UI's). */
export interface RefreshService {
  /**
   * With rotation on, `GetTokensFromRefreshToken`, whose answer carries the new refresh token; with it off,
   * `REFRESH_TOKEN_AUTH`. `username` is the token's `cognito:username` (SECRET_HASH is computed over it).
   * Rejects with `session_expired` when Cognito refuses the token, also when it was rotated out
   * (`RefreshTokenReuseException`).
   */
  refresh(refreshToken: string, username: string, visitor?: Visitor): Promise<ApiTokens>;
  /** True when refreshes go through `GetTokensFromRefreshToken` (detected once, then kept). */
  rotates(): Promise<boolean>;
}

/**
 * Errors of a `DescribeUserPoolClient` that mean "not allowed to ask", not "Cognito is down": the setting
 * then cannot be known, and refreshes take the door that works either way.
 */
const NOT_ALLOWED = new Set(['AccessDeniedException', 'NotAuthorizedException', 'UnrecognizedClientException', 'CredentialsProviderError']);

/** Creates the service over one SDK client and one app client's settings. */
export function createRefreshService(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'userPoolId' | 'clientId' | 'clientSecret' | 'contextData'>,
  rotation: RefreshTokenRotationSetting = 'detect',
): RefreshService {
  const { userPoolId, clientId, clientSecret } = settings;
  let known: Promise<boolean> | undefined = rotation === 'detect' ? undefined : Promise.resolve(rotation === 'on');

  const detect = async (): Promise<boolean> => {
    try {
      const out = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      return out.UserPoolClient?.RefreshTokenRotation?.Feature === 'ENABLED';
    } catch (err) {
      // Without the permission the answer never comes: GetTokensFromRefreshToken works with rotation
      // on and off alike (API_GetTokensFromRefreshToken.html), so it is the door from then on.
      if (NOT_ALLOWED.has((err as { name?: string }).name ?? '')) return true;
      throw err;
    }
  };

  const rotates = (): Promise<boolean> => {
    known ??= detect().catch((err: unknown) => {
      known = undefined; // Cognito unreachable: ask again next time rather than keep a failure.
      throw err;
    });
    return known;
  };

  // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html:
  // the raw ClientSecret (not SECRET_HASH); no UserContextData; a new RefreshToken when rotation is on.
  const rotate = async (refreshToken: string): Promise<ApiTokens> => {
    try {
      const out = await client.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: clientId, ClientSecret: clientSecret, RefreshToken: refreshToken }),
      );
      return toApiTokens(out.AuthenticationResult);
    } catch (err) {
      // A rotated-out token used again: the session it belonged to must end, as on a revoked one.
      if ((err as { name?: string }).name === 'RefreshTokenReuseException') {
        throw new CognitoAuthError('session_expired', 'refresh: RefreshTokenReuseException', { cause: err });
      }
      throw err;
    }
  };

  const plain = async (refreshToken: string, username: string, visitor: Visitor | undefined): Promise<ApiTokens> => {
    const hash = clientSecret === undefined ? undefined : computeSecretHash(username, clientId, clientSecret);
    const out = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken, ...withSecretHash(hash) },
        ...userContextDataOf(settings.contextData, visitor),
      }),
    );
    return toApiTokens(out.AuthenticationResult);
  };

  return {
    rotates: () => callCognito('refresh', rotates),
    refresh: (refreshToken, username, visitor) =>
      callCognito('refresh', async () => ((await rotates()) ? rotate(refreshToken) : plain(refreshToken, username, visitor))),
  };
}
