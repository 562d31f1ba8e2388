import { CognitoError, errors, metadataOf, type AppClient, type Context } from '../cognito-local';
import type { Layer, LayerDeps } from '../registry';
import { claimsOf, findRefreshToken, verifyOnClock, withRotation, type OriginContext } from '../token-origins';

/** An app client as the layer stores it: cognito-local's, plus the settings it does not keep (clients.ts). */
export type StoredClient = AppClient & {
  RefreshTokenRotation?: { Feature?: string; RetryGracePeriodSeconds?: number };
  AuthSessionValidity?: number;
};

/** Which door a refresh came through: the rules differ for rotation. */
export type RefreshVia = 'REFRESH_TOKEN_AUTH' | 'GetTokensFromRefreshToken' | 'token-endpoint';

/** Cognito's AuthenticationResult for a refresh. */
export interface RefreshResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

/**
 * Renews tokens from a refresh token, as Cognito does through all three doors:
 * - a revoked family (RevokeToken, a global sign-out, a disabled user) is refused: "Refresh Token has been
 *   revoked" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html);
 * - with rotation on, REFRESH_TOKEN_AUTH is refused, and the other doors issue a new refresh token that lives
 *   as long as the original had left; the original stays valid for the grace period, and after it a reuse is
 *   RefreshTokenReuseException
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html,
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html,
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
 */
export async function refreshTokens(
  ctx: Context,
  deps: LayerDeps,
  req: { ClientId?: unknown; RefreshToken?: unknown; ClientMetadata?: unknown },
  via: RefreshVia,
): Promise<RefreshResult> {
  const { cognito, tokenGenerator } = deps.services;
  if (typeof req.ClientId !== 'string') throw new errors.InvalidParameterError('Missing required parameter ClientId');
  if (typeof req.RefreshToken !== 'string' || !req.RefreshToken) throw new errors.InvalidParameterError('Missing required parameter REFRESH_TOKEN');
  const pool = await cognito.getUserPoolForClientId(ctx, req.ClientId);
  const client: StoredClient | null = await cognito.getAppClient(ctx, req.ClientId);
  if (!client) throw new errors.ResourceNotFoundError(`User pool client ${req.ClientId} does not exist.`);
  const rotation = client.RefreshTokenRotation?.Feature === 'ENABLED';
  if (rotation && via === 'REFRESH_TOKEN_AUTH') {
    // The guide says only that this flow cannot be used with rotation on; the error name is the one Cognito
    // gives for a flow the app client does not allow (docs/emulator.md says so).
    throw new errors.InvalidParameterError('REFRESH_TOKEN_AUTH is not available for an app client with refresh token rotation.');
  }
  const now = deps.clock.now();
  const found = await findRefreshToken(ctx, pool, req.RefreshToken, now);
  if (!found || found.origin.ClientId !== client.ClientId) throw new errors.NotAuthorizedError('Invalid Refresh Token.');
  if (found.origin.Revoked) throw new errors.NotAuthorizedError('Refresh Token has been revoked');
  if (found.state === 'rotated-out') {
    if (via === 'REFRESH_TOKEN_AUTH') throw new errors.NotAuthorizedError('Invalid Refresh Token.');
    throw new CognitoError('RefreshTokenReuseException', 'Refresh token has been rotated out and cannot be used again.');
  }
  const verified = verifyOnClock(req.RefreshToken, deps.clock);
  if ('error' in verified) throw new errors.NotAuthorizedError(verified.error === 'expired' ? 'Refresh Token has expired' : 'Invalid Refresh Token.');
  const user = found.user;
  if (user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
  if (user.UserStatus === 'RESET_REQUIRED') throw new errors.PasswordResetRequiredError();

  const exp = typeof verified.claims.exp === 'number' ? verified.claims.exp : undefined;
  const originCtx: OriginContext = { ...ctx, origin: { jti: found.originJti, ...(exp === undefined ? {} : { refreshExpiresAt: exp }) } };
  const groups = await pool.listUserGroupMembership(ctx, user);
  const tokens = await tokenGenerator.generate(originCtx, user, groups, client, metadataOf(req.ClientMetadata), 'RefreshTokens');
  const result: RefreshResult = {
    AccessToken: tokens.AccessToken,
    IdToken: tokens.IdToken,
    ExpiresIn: lifetimeOf(tokens.AccessToken),
    TokenType: 'Bearer',
  };
  if (!rotation) return result;
  if (found.state === 'grace') return { ...result, RefreshToken: found.origin.RefreshToken };
  const grace = client.RefreshTokenRotation?.RetryGracePeriodSeconds ?? 0;
  await pool.saveUser(ctx, withRotation(user, found.originJti, tokens.RefreshToken, grace, now));
  return { ...result, RefreshToken: tokens.RefreshToken };
}

/** Seconds between a token's `iat` and `exp`: Cognito's `ExpiresIn`. */
export function lifetimeOf(token: string): number {
  const claims = claimsOf(token);
  return Number(claims?.exp ?? 0) - Number(claims?.iat ?? 0);
}

/** GetTokensFromRefreshToken, which cognito-local lacks. */
export const refreshLayers: readonly Layer[] = [
  {
    target: 'GetTokensFromRefreshToken',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html',
    wrap: (_next, deps) => async (ctx, req) => ({ AuthenticationResult: await refreshTokens(ctx, deps, req, 'GetTokensFromRefreshToken') }),
  },
];
