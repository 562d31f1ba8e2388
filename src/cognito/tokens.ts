import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError, JwtInvalidClaimError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { CognitoAuthError, TokenValidationError } from '../errors';
import type { CognitoSettings } from './settings';

/** Tolerated clock difference between this server and Cognito, for `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;

/** The ID token claims the app relies on, after verification. */
export interface IdTokenClaims {
  [claim: string]: unknown;
  sub: string;
  aud: string | string[];
  iss: string;
  exp: number;
  iat: number;
  token_use: 'id';
  email?: string;
  'cognito:username'?: string;
  auth_time?: number;
  nonce?: string;
}

/**
 * The claims of an ID token that was verified when it entered the session (every session token enters
 * through the verifier: auth/session-tokens.ts), read again instead of storing a copy of them beside it.
 * Decoding only: never call it on a token that has not been verified.
 */
export function claimsOfVerifiedIdToken(idToken: string): Record<string, unknown> {
  return decomposeUnverifiedJwt(idToken).payload;
}

/** The access token claims the app relies on, after verification. */
export interface AccessTokenClaims {
  [claim: string]: unknown;
  sub: string;
  exp: number;
  client_id: string;
  token_use: 'access';
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

/** Verifies Cognito tokens locally against the issuer's JWKS, fetched once and cached. */
export interface TokenVerifier {
  /**
   * Checks an access token: signature, `iss`, `exp`, `token_use=access` and `client_id` (Cognito access
   * tokens carry no `aud`).
   * @throws as {@link TokenVerifier.verifyIdToken}.
   */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /**
   * Checks signature (RS256 against the JWKS), `iss`, `aud`, `azp`, `exp`, `iat`, `token_use=id`, and the
   * nonce when one was sent.
   * @throws {@link TokenValidationError} when the token must not be trusted; {@link CognitoAuthError}
   *   `upstream_unavailable` when the JWKS cannot be fetched.
   */
  verifyIdToken(token: string, expected?: { nonce?: string | undefined }): Promise<IdTokenClaims>;
}

/**
 * Fetches the JWKS with Node's fetch and a time limit. aws-jwt-verify's own fetcher only speaks https;
 * cognito-local serves its JWKS over http on localhost.
 */
export function createJwksFetcher(timeoutMs: number): Fetcher {
  return {
    async fetch(uri) {
      let res: Response;
      try {
        res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      } catch (err) {
        throw new FetchError(uri, (err as Error).message);
      }
      if (!res.ok) throw new FetchError(uri, `status ${res.status}`);
      return res.arrayBuffer();
    },
  };
}

/**
 * Creates a verifier for one issuer and app client.
 *
 * @param deps.jwksCache - inject a cache (tests); defaults to a cache that fetches `settings.jwksUri`.
 */
export function createTokenVerifier(
  settings: Pick<CognitoSettings, 'issuer' | 'clientId' | 'jwksUri' | 'timeoutMs'>,
  deps: { jwksCache?: JwksCache } = {},
): TokenVerifier {
  const jwksCache = deps.jwksCache ?? new SimpleJwksCache({ fetcher: createJwksFetcher(settings.timeoutMs) });
  const common = (payload: JwtPayload, header: { alg?: unknown }) => {
    if (header.alg !== 'RS256') throw new TokenValidationError(`unexpected alg ${String(header.alg)}`);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenValidationError('no sub');
    if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw new TokenValidationError('iat missing or in the future');
    }
  };
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      audience: settings.clientId,
      graceSeconds: CLOCK_SKEW_SECONDS,
      customJwtCheck: ({ payload, header }) => {
        common(payload, header);
        if (payload.token_use !== 'id') throw new TokenValidationError('not an ID token (token_use)');
        if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== settings.clientId) {
          throw new TokenValidationError('several audiences without this client as azp');
        }
        if (payload.azp !== undefined && payload.azp !== settings.clientId) {
          throw new TokenValidationError('azp is another client');
        }
      },
    },
    { jwksCache },
  );
  const accessVerifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      audience: null,
      graceSeconds: CLOCK_SKEW_SECONDS,
      customJwtCheck: ({ payload, header }) => {
        common(payload, header);
        if (payload.token_use !== 'access') throw new TokenValidationError('not an access token (token_use)');
        if (payload.client_id !== settings.clientId) throw new TokenValidationError('access token of another client');
      },
    },
    { jwksCache },
  );

  return {
    async verifyAccessToken(token) {
      try {
        return (await accessVerifier.verify(token)) as unknown as AccessTokenClaims;
      } catch (err) {
        throw toCognitoAuthError(err);
      }
    },

    async verifyIdToken(token, expected = {}) {
      let claims: JwtPayload;
      try {
        claims = await verifier.verify(token);
      } catch (err) {
        throw toCognitoAuthError(err);
      }
      if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
        throw new TokenValidationError('nonce mismatch');
      }
      return claims as unknown as IdTokenClaims;
    },
  };
}

function toCognitoAuthError(err: unknown): CognitoAuthError {
  if (err instanceof CognitoAuthError) return err;
  if (err instanceof FetchError) return new CognitoAuthError('upstream_unavailable', 'JWKS could not be fetched', { cause: err });
  if (err instanceof JwtInvalidClaimError || err instanceof JwtBaseError) {
    return new TokenValidationError(err.message, err);
  }
  return new TokenValidationError('token could not be verified', err);
}
