import { createHash, randomBytes } from 'node:crypto';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { Request } from 'express';
import OpenIDConnectStrategy from 'passport-openidconnect';
import { requestTokens, TokenEndpointError, type TokenResponse } from '../cognito/token-endpoint';
import type { CognitoSettings } from '../cognito/settings';
import type { IdTokenClaims, TokenVerifier, SessionTokens } from '../cognito/tokens';
import { OAUTH_SCOPES } from '../cognito/pool-settings';
import { TokenValidationError } from '../errors';
import { settle } from '../settle';
import type { PendingAuthorizations } from './pending-authorizations';
import type { AuthorizationAppState, CognitoUser } from './types';
import { sessionTokensFrom } from './session-tokens';
import { userFromIdClaims } from './session-user';

/** Name under which the Hosted UI strategy is registered with Passport. */
export const HOSTED_UI_STRATEGY = 'cognito-hosted-ui';

/** Handed by the strategy to the callback route on success, beside the user. */
export interface HostedUiInfo {
  tokens: SessionTokens;
  claims: IdTokenClaims;
  state?: AuthorizationAppState;
}

/**
 * What one Hosted UI start asks of Cognito's authorize endpoint besides the OAuth parameters: passed as
 * Passport's authenticate options by `GET /login/hosted`.
 */
export interface HostedUiStartOptions {
  /** passport-openidconnect's "app state": kept with the pending authorization. */
  state?: { returnTo?: string | undefined };
  /** Managed Login's page language (`lang`): `ja`, `en`, … The classic Hosted UI and cognito-local ignore it. */
  lang?: string | undefined;
  /** Straight to this identity provider's sign-in (`identity_provider`), skipping Cognito's own page. */
  identityProvider?: string | undefined;
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
    private readonly pending: PendingAuthorizations,
  ) {
    super(options, verify);
  }

  override authenticate(req: Request, options: OpenIDConnectStrategy.AuthenticateOptions = {}): void {
    const query = req.query as Record<string, unknown>;
    if (query.code !== undefined) {
      // Read here, consumed by the state store's verify just after: the token call needs its verifier.
      const pending = this.pending.peek(req, query.state);
      const self = this as unknown as { _oauth2: TokenCaller };
      self._oauth2 = this.createTokenCaller(self._oauth2, pending?.appState.codeVerifier);
    } else if (query.error === undefined) {
      const codeVerifier = randomBytes(32).toString('base64url');
      this.pkceChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      const returnTo = (options.state as { returnTo?: string } | undefined)?.returnTo;
      options = { ...options, state: { returnTo, codeVerifier } satisfies AuthorizationAppState };
    }
    super.authenticate(req, options);
  }

  /** Called by passport-openidconnect with this request's options: the PKCE challenge, and `lang` and `identity_provider` where asked for. */
  override authorizationParams(options: HostedUiStartOptions = {}): object {
    return {
      code_challenge: this.pkceChallenge,
      code_challenge_method: 'S256',
      ...(options.lang ? { lang: options.lang } : {}),
      ...(options.identityProvider ? { identity_provider: options.identityProvider } : {}),
    };
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
        const exchange = requestTokens(settings, { ...params, code, code_verifier: codeVerifier }).then((json) => ({
          json,
          problem: idTokenShapeProblem(json),
        }));
        settle(
          exchange,
          ({ json, problem }) => {
            // passport-openidconnect decodes the ID token itself and throws plain errors on a bad one;
            // refused here, such a token stays a validation failure and anything it throws is a bug.
            if (problem) callback(new TokenValidationError(problem));
            else callback(null, json.access_token, json.refresh_token, json as unknown as Record<string, unknown>);
          },
          (err) => {
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

/**
 * Why passport-openidconnect could not even read the response's ID token (not a JWT, not JSON, or
 * without the claims it requires), or undefined. Nothing here is trusted yet: the verifier checks it all.
 */
function idTokenShapeProblem(json: TokenResponse): string | undefined {
  if (typeof json.id_token !== 'string') return 'no ID token in the token response';
  let payload: Record<string, unknown>;
  try {
    payload = decomposeUnverifiedJwt(json.id_token).payload;
  } catch {
    return 'the ID token is not a JWT';
  }
  // The library's own test is truthiness: an empty `sub` or a zero `exp` count as missing there too.
  const missing = ['iss', 'sub', 'aud', 'exp', 'iat'].filter((claim) => !payload[claim]);
  return missing.length > 0 ? `the ID token lacks ${missing.join(', ')}` : undefined;
}

/**
 * Creates the Hosted UI strategy: authorization-code grant with state, PKCE and (where the issuer
 * echoes it) nonce; the ID token verified by `verifier` before a user is made from it.
 *
 * @param callbackUrl - the registered redirect URI, e.g. `http://localhost:3000/callback`.
 */
export function createHostedUiStrategy(deps: {
  settings: CognitoSettings;
  callbackUrl: string;
  verifier: TokenVerifier;
  pendingAuthorizations: PendingAuthorizations;
  /** The providers the router offers (see {@link userFromIdClaims}). */
  identityProviders?: readonly string[] | undefined;
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
    done: (err: unknown, user?: CognitoUser | false, info?: HostedUiInfo) => void,
  ): void => {
    const verified = sessionTokensFrom(verifier, { idToken, accessToken, refreshToken: refreshToken || undefined }).then(({ tokens, claims }) => ({
      user: userFromIdClaims(claims, 'hosted-ui', deps.identityProviders),
      info: { tokens, claims },
    }));
    settle(
      verified,
      ({ user, info }) => done(null, user, info),
      (err) => done(err),
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
      store: deps.pendingAuthorizations as unknown as OpenIDConnectStrategy.SessionStore,
      skipUserProfile: true,
    } as OpenIDConnectStrategy.StrategyOptions,
    verify as unknown as OpenIDConnectStrategy.VerifyFunction,
    settings,
    deps.pendingAuthorizations,
  );
}
