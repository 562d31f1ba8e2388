import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import OpenIDConnectStrategy from 'passport-openidconnect';
import { requestTokens, TokenEndpointError } from '../cognito/token-endpoint';
import type { CognitoSettings } from '../cognito/settings';
import type { IdTokenClaims, TokenVerifier } from '../cognito/tokens';
import { OAUTH_SCOPES } from '../cognito/pool-settings';
import { sessionTokensFrom } from './session-tokens';
import type { SessionTokens } from './session-user';
import { userFromIdClaims } from './session-user';

/** Name under which the Hosted UI strategy is registered with Passport. */
export const HOSTED_UI_STRATEGY = 'cognito-hosted-ui';

/** Session key of passport-openidconnect's state store: `req.session.oidc.state`. */
export const OIDC_SESSION_KEY = 'oidc';

/** What the app keeps with the pending authorization request (passport-openidconnect's "app state"). */
export interface PendingAuthorization {
  returnTo?: string | undefined;
  codeVerifier: string;
}

/** Handed by the strategy to the callback route on success, beside the user. */
export interface HostedUiInfo {
  tokens: SessionTokens;
  claims: IdTokenClaims;
  state?: PendingAuthorization;
}

/** The subset of the `oauth` library's OAuth2 that passport-openidconnect calls at the token step. */
interface TokenCaller {
  getOAuthAccessToken(
    code: string,
    params: Record<string, string>,
    callback: (err: unknown, accessToken?: string, refreshToken?: string, results?: Record<string, unknown>) => void,
  ): void;
}

/**
 * passport-openidconnect 0.1 with PKCE (S256, RFC 7636), a timed client-secret token call, and the ID
 * token's signature verified against the JWKS (the library itself only decodes it).
 *
 * Passport calls `authenticate` on a fresh `Object.create(strategy)` per request, so the per-request
 * fields set here (`pkceChallenge`, `_oauth2`) never leak between concurrent requests.
 */
class CognitoHostedUiStrategy extends OpenIDConnectStrategy {
  private pkceChallenge: string | undefined;

  constructor(
    options: OpenIDConnectStrategy.StrategyOptions,
    verify: OpenIDConnectStrategy.VerifyFunction,
    private readonly settings: CognitoSettings,
  ) {
    super(options, verify);
  }

  override authenticate(req: Request, options: OpenIDConnectStrategy.AuthenticateOptions = {}): void {
    const query = req.query as Record<string, unknown>;
    if (query.code !== undefined) {
      const pending = readPendingAuthorization(req);
      const self = this as unknown as { _oauth2: TokenCaller };
      self._oauth2 = this.createTokenCaller(self._oauth2, pending?.codeVerifier);
    } else if (query.error === undefined) {
      const codeVerifier = randomBytes(32).toString('base64url');
      this.pkceChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      const returnTo = (options.state as { returnTo?: string } | undefined)?.returnTo;
      options = { ...options, state: { returnTo, codeVerifier } satisfies PendingAuthorization };
    }
    super.authenticate(req, options);
  }

  override authorizationParams(): object {
    return { code_challenge: this.pkceChallenge, code_challenge_method: 'S256' };
  }

  /**
   * Replaces the `oauth` library's token call for this request (adds `code_verifier`, authenticates with
   * the client secret, has a timeout); the rest of `_oauth2`, such as `_clientId`, is inherited.
   */
  private createTokenCaller(base: TokenCaller, codeVerifier: string | undefined): TokenCaller {
    const settings = this.settings;
    return Object.assign(Object.create(base) as TokenCaller, {
      getOAuthAccessToken(code: string, params: Record<string, string>, callback: Parameters<TokenCaller['getOAuthAccessToken']>[2]) {
        if (codeVerifier === undefined) {
          // No pending authorization: passport-openidconnect fails on the state before it gets here.
          callback({ statusCode: 400, data: JSON.stringify({ error: 'invalid_request' }) });
          return;
        }
        requestTokens(settings, { ...params, code, code_verifier: codeVerifier }).then(
          (json) => callback(null, json.access_token, json.refresh_token, json as unknown as Record<string, unknown>),
          (err: unknown) => {
            if (err instanceof TokenEndpointError) {
              const data = JSON.stringify({ error: err.error, error_description: err.description });
              callback({ statusCode: err.statusCode, data });
            } else {
              callback(err);
            }
          },
        );
      },
    });
  }
}

function readPendingAuthorization(req: Request): PendingAuthorization | undefined {
  const pending = req.session?.[OIDC_SESSION_KEY]?.state?.state;
  return pending && typeof pending.codeVerifier === 'string' ? pending : undefined;
}

/**
 * Creates the Hosted UI strategy: authorization-code grant with state, PKCE and (where the issuer
 * echoes it) nonce; the ID token verified by `verifier` before a user is made from it.
 *
 * @param callbackUrl - the registered redirect URI, e.g. `http://localhost:3000/auth/callback`.
 */
export function createHostedUiStrategy(deps: {
  settings: CognitoSettings;
  callbackUrl: string;
  verifier: TokenVerifier;
}): OpenIDConnectStrategy {
  const { settings, verifier } = deps;
  const verify = (
    _issuer: string,
    _profile: unknown,
    _context: unknown,
    idToken: string,
    accessToken: string,
    refreshToken: string,
    _params: unknown,
    done: (err: unknown, user?: Express.User | false, info?: HostedUiInfo) => void,
  ): void => {
    sessionTokensFrom(verifier, { idToken, accessToken, refreshToken: refreshToken || undefined }).then(
      ({ tokens, claims }) => done(null, userFromIdClaims(claims, 'hosted-ui'), { tokens, claims }),
      (err: unknown) => done(err),
    );
  };
  return new CognitoHostedUiStrategy(
    {
      issuer: settings.issuer,
      authorizationURL: settings.authorizationUrl,
      tokenURL: settings.tokenUrl,
      clientID: settings.clientId,
      clientSecret: settings.clientSecret ?? '',
      callbackURL: deps.callbackUrl,
      scope: OAUTH_SCOPES.filter((s) => s !== 'openid'),
      nonce: settings.nonce ? 'true' : undefined,
      sessionKey: OIDC_SESSION_KEY,
      skipUserProfile: true,
    } as OpenIDConnectStrategy.StrategyOptions,
    verify as unknown as OpenIDConnectStrategy.VerifyFunction,
    settings,
  );
}
