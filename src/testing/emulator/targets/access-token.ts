import { errors, type Context, type UserPoolService } from '../cognito-local';
import type { Guard, LayerDeps } from '../registry';
import { verifyOnClock, type OriginUser } from '../token-origins';

/** An access token that passed the checks, with its pool and user. */
export interface CheckedAccessToken {
  claims: Record<string, unknown>;
  pool: UserPoolService;
  user: OriginUser | null;
}

/**
 * Checks an access token as Cognito does before any operation it authorizes: its signature and expiry
 * (on the emulator's clock) and whether it was revoked with its refresh token or by a global sign-out.
 * cognito-local only decodes it. "Amazon Cognito returns an Access Token has been revoked error when your
 * app attempts to authorize a user pools API request with a revoked access token."
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
 */
export async function checkAccessToken(ctx: Context, deps: LayerDeps, token: string): Promise<CheckedAccessToken> {
  const verified = verifyOnClock(token, deps.clock);
  if ('error' in verified) throw new errors.NotAuthorizedError(verified.error === 'expired' ? 'Access Token has expired' : 'Invalid Access Token');
  const { claims } = verified;
  if (claims.token_use !== 'access' || typeof claims.client_id !== 'string') throw new errors.NotAuthorizedError('Invalid Access Token');
  const pool = await deps.services.cognito.getUserPoolForClientId(ctx, claims.client_id);
  const user: OriginUser | null = await pool.getUserByUsername(ctx, String(claims.sub ?? claims.username));
  const originJti = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined;
  if (user && originJti && user.TokenOrigins?.[originJti]?.Revoked) throw new errors.NotAuthorizedError('Access Token has been revoked');
  return { claims, pool, user };
}

/** Runs {@link checkAccessToken} before every operation that names an `AccessToken`. */
export const accessTokenGuard: Guard = (next, deps) => async (ctx, req) => {
  if (typeof req.AccessToken === 'string') await checkAccessToken(ctx, deps, req.AccessToken);
  return next(ctx, req);
};
