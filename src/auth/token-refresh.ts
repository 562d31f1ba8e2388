import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createRefreshService, type RefreshTokenRotationSetting } from '../cognito/refresh-service';
import { requestTokens, TokenEndpointError } from '../cognito/token-endpoint';
import type { CognitoSettings } from '../cognito/settings';
import type { TokenVerifier, SessionTokens } from '../cognito/tokens';
import { CognitoAuthError } from '../errors';
import { sessionTokensFrom, type RawTokens } from './session-tokens';
import type { CognitoUser } from './types';

/** How long a finished refresh is remembered for requests that still carry the old access token. */
const RECENT_REFRESH_MS = 60_000;

/** Renews a session's tokens with its refresh token. */
export interface TokenRefresher {
  /**
   * Refreshes once per access token: concurrent requests of one session share the same call, and a
   * request that loaded the session just before the refreshed one was saved gets the same new tokens
   * instead of a second refresh. Rejects with `session_expired` when Cognito refuses the refresh token
   * (revoked, expired) or answers with another user's tokens; with `upstream_unavailable` when Cognito
   * cannot be reached (the session stays, for a later try).
   */
  refresh(user: CognitoUser, tokens: SessionTokens): Promise<SessionTokens>;
}

/** What the refresher needs. */
export interface TokenRefresherDeps {
  settings: CognitoSettings;
  verifier: TokenVerifier;
  /** The SDK client API refreshes go through (the router's). */
  client: CognitoIdentityProviderClient;
  /** Whether the app client rotates refresh tokens; default `'detect'` (see {@link RefreshTokenRotationSetting}). */
  rotation?: RefreshTokenRotationSetting | undefined;
}

/**
 * Hosted UI sessions refresh at the token endpoint (`grant_type=refresh_token`, as they signed in);
 * password sessions through the API: `GetTokensFromRefreshToken` where the app client rotates refresh
 * tokens (the new refresh token is kept), else `REFRESH_TOKEN_AUTH`. Either way the new tokens are verified.
 */
export function createTokenRefresher(deps: TokenRefresherDeps): TokenRefresher {
  const inFlight = new Map<string, Promise<SessionTokens>>();
  const api = createRefreshService(deps.client, deps.settings, deps.rotation);

  async function renew(user: CognitoUser, tokens: SessionTokens): Promise<SessionTokens> {
    const refreshToken = tokens.refreshToken;
    if (!refreshToken) throw new CognitoAuthError('session_expired', 'no refresh token');
    let raw: RawTokens;
    if (user.provider === 'hosted-ui') {
      try {
        const json = await requestTokens(deps.settings, { grant_type: 'refresh_token', refresh_token: refreshToken });
        raw = { idToken: json.id_token ?? '', accessToken: json.access_token, refreshToken: json.refresh_token };
      } catch (err) {
        if (err instanceof TokenEndpointError) throw new CognitoAuthError('session_expired', `refresh refused: ${err.error}`, { cause: err });
        throw err;
      }
    } else {
      raw = await api.refresh(refreshToken, user.username);
    }
    const { tokens: fresh, claims } = await sessionTokensFrom(deps.verifier, { ...raw, refreshToken: raw.refreshToken ?? refreshToken });
    // Valid tokens, but of someone else: the session must not turn into theirs. It ends instead.
    if (claims.sub !== user.sub) throw new CognitoAuthError('session_expired', 'the refresh returned tokens of another user');
    return fresh;
  }

  return {
    refresh(user, tokens) {
      const key = tokens.accessToken;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = renew(user, tokens);
        inFlight.set(key, pending);
        pending.then(
          () => setTimeout(() => inFlight.delete(key), RECENT_REFRESH_MS).unref(),
          () => inFlight.delete(key),
        );
      }
      return pending;
    },
  };
}
