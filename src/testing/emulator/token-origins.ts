import { createHash, randomUUID } from 'node:crypto';
import type { EmulatorClock } from './clock';
import { jwt, signingKeys, type Context, type User, type UserPoolService } from './cognito-local';

/**
 * One sign-in's token family: the refresh token it issued and every access and ID token issued with it,
 * tied together by the `origin_jti` claim as in Amazon Cognito's tokens. Kept on the user record, so it
 * lives and dies with the user (names must not end in "Date": cognito-local's store treats those as dates).
 */
export interface TokenOrigin {
  ClientId: string;
  /** When the sign-in happened, on the emulator's clock (ms). */
  IssuedAt: number;
  /** The refresh token that refreshes now. */
  RefreshToken: string;
  /** The refresh token rotated out last, still accepted until `ValidUntil` (the client's grace period). */
  Previous?: { RefreshToken: string; ValidUntil: number };
  /** SHA-256 of every refresh token rotated out, to tell reuse from a token never issued. */
  RotatedOut?: string[];
  /** Set by RevokeToken, GlobalSignOut, AdminUserGlobalSignOut and AdminDisableUser. */
  Revoked?: boolean;
}

/** A user record as the fidelity layer keeps it: cognito-local's, plus the token families. */
export type OriginUser = User & { TokenOrigins?: Record<string, TokenOrigin> };

/** What the layer passes to the token generator through cognito-local's request context. */
export interface OriginContext extends Context {
  /** Refreshing: keep this family's `origin_jti`, and the original refresh token's expiry for a rotated one. */
  origin?: { jti: string; refreshExpiresAt?: number };
}

/** The claims of a token the emulator issued, or undefined when it is not one of its JWTs. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  const decoded = jwt.decode(token);
  return decoded && typeof decoded === 'object' ? (decoded as Record<string, unknown>) : undefined;
}

/** SHA-256 of a token, to remember rotated ones without keeping them. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether a family's refresh token is past its expiry, so nothing it issued can be used any more. */
function expired(origin: TokenOrigin, now: number): boolean {
  const exp = claimsOf(origin.RefreshToken)?.exp;
  return typeof exp === 'number' && exp * 1000 < now;
}

/**
 * The user with a new token family for `refreshToken` (a fresh sign-in's). Families whose refresh token
 * expired are dropped meanwhile, so a long-lived development pool does not grow with every sign-in.
 */
export function withNewOrigin(user: OriginUser, refreshToken: string, now: number): OriginUser {
  const claims = claimsOf(refreshToken);
  const jti = typeof claims?.origin_jti === 'string' ? claims.origin_jti : randomUUID();
  const clientId = typeof claims?.client_id === 'string' ? claims.client_id : '';
  const kept = Object.entries(user.TokenOrigins ?? {}).filter(([, origin]) => !expired(origin, now));
  const gone = new Set(
    Object.values(user.TokenOrigins ?? {})
      .filter((origin) => expired(origin, now))
      .flatMap((o) => [o.RefreshToken, o.Previous?.RefreshToken]),
  );
  return {
    ...user,
    RefreshTokens: [...(user.RefreshTokens ?? []).filter((t) => !gone.has(t)), refreshToken],
    TokenOrigins: { ...Object.fromEntries(kept), [jti]: { ClientId: clientId, IssuedAt: now, RefreshToken: refreshToken } },
  };
}

/** Where a refresh token stands in its family. */
export type RefreshTokenState = 'current' | 'grace' | 'rotated-out';

/** A refresh token found in the pool, with its user and family. */
export interface FoundRefreshToken {
  user: OriginUser;
  originJti: string;
  origin: TokenOrigin;
  state: RefreshTokenState;
}

/** Looks a refresh token up among the pool's users; undefined when the pool never issued it. */
export async function findRefreshToken(ctx: Context, pool: UserPoolService, token: string, now: number): Promise<FoundRefreshToken | undefined> {
  const hash = fingerprint(token);
  for (const user of (await pool.listUsers(ctx)) as OriginUser[]) {
    for (const [originJti, origin] of Object.entries(user.TokenOrigins ?? {})) {
      if (origin.RefreshToken === token) return { user, originJti, origin, state: 'current' };
      if (origin.Previous?.RefreshToken === token) {
        return { user, originJti, origin, state: origin.Previous.ValidUntil >= now ? 'grace' : 'rotated-out' };
      }
      if (origin.RotatedOut?.includes(hash)) return { user, originJti, origin, state: 'rotated-out' };
    }
  }
  return undefined;
}

/** The user with the family's refresh token replaced by `next`; the old one stays valid for `graceSeconds`. */
export function withRotation(user: OriginUser, originJti: string, next: string, graceSeconds: number, now: number): OriginUser {
  const origin = user.TokenOrigins?.[originJti];
  if (!origin) return user;
  const old = origin.RefreshToken;
  const retired = origin.Previous ? [...(origin.RotatedOut ?? []), fingerprint(origin.Previous.RefreshToken)] : (origin.RotatedOut ?? []);
  const rotated: TokenOrigin = {
    ...origin,
    RefreshToken: next,
    Previous: { RefreshToken: old, ValidUntil: now + graceSeconds * 1000 },
    RotatedOut: retired,
  };
  return {
    ...user,
    RefreshTokens: [...(user.RefreshTokens ?? []).filter((t) => t !== old), next],
    TokenOrigins: { ...user.TokenOrigins, [originJti]: rotated },
  };
}

/** The user with the chosen families revoked (all when `which` is omitted) and their refresh tokens dropped. */
export function withRevokedOrigins(user: OriginUser, which?: (originJti: string) => boolean): OriginUser {
  const origins = Object.fromEntries(
    Object.entries(user.TokenOrigins ?? {}).map(([jti, origin]) => [jti, !which || which(jti) ? { ...origin, Revoked: true } : origin]),
  );
  const live = new Set(
    Object.values(origins)
      .filter((o) => !o.Revoked)
      .flatMap((o) => [o.RefreshToken, o.Previous?.RefreshToken]),
  );
  return { ...user, TokenOrigins: origins, RefreshTokens: (user.RefreshTokens ?? []).filter((t) => live.has(t)) };
}

/** Verifies an emulator-issued JWT's signature and expiry on the emulator's clock; the error names why not. */
export function verifyOnClock(token: string, clock: EmulatorClock): { claims: Record<string, unknown> } | { error: 'expired' | 'invalid' } {
  try {
    const claims = jwt.verify(token, signingKeys.publicKey, { algorithms: ['RS256'], clockTimestamp: Math.floor(clock.now() / 1000) });
    return { claims: claims as Record<string, unknown> };
  } catch (err) {
    return { error: (err as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
  }
}
