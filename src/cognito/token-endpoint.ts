import { CognitoAuthError } from '../errors';
import type { CognitoSettings } from './settings';

/** A successful answer of Cognito's `/oauth2/token`. */
export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

/** The token endpoint answered with an OAuth error (`invalid_grant`, `invalid_client`, …). */
export class TokenEndpointError extends CognitoAuthError {
  override name = 'TokenEndpointError';
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super('auth_code_invalid', `token endpoint: ${error}`);
  }
}

/**
 * POSTs a grant to the token endpoint with client-secret authentication (`client_secret_basic`, as the
 * original walkthrough does) and a time limit.
 *
 * @param grant - form fields: `grant_type` and the grant's own (`code`, `redirect_uri`, `code_verifier`, …).
 * @throws {@link TokenEndpointError} for an OAuth error answer; {@link CognitoAuthError} `upstream_unavailable`
 *   when Cognito cannot be reached in time or answers with something that is not a token response.
 */
export async function requestTokens(
  settings: Pick<CognitoSettings, 'tokenUrl' | 'clientId' | 'clientSecret' | 'timeoutMs'>,
  grant: Record<string, string>,
): Promise<TokenResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams({ ...grant, client_id: settings.clientId });
  if (settings.clientSecret !== undefined) {
    // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
    const credentials = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  let res: Response;
  try {
    res = await fetch(settings.tokenUrl, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new CognitoAuthError('upstream_unavailable', 'token endpoint unreachable', { cause: err });
  }
  let json: Record<string, unknown>;
  try {
    json = (await res.json()) as Record<string, unknown>;
  } catch (err) {
    throw new CognitoAuthError('upstream_unavailable', `token endpoint answered ${res.status} without JSON`, { cause: err });
  }
  if (!res.ok || typeof json.error === 'string') {
    const error = typeof json.error === 'string' ? json.error : 'invalid_response';
    const description = typeof json.error_description === 'string' ? json.error_description : undefined;
    throw new TokenEndpointError(res.status, error, description);
  }
  if (typeof json.access_token !== 'string') {
    throw new CognitoAuthError('upstream_unavailable', 'token endpoint answered without an access token');
  }
  return json as unknown as TokenResponse;
}
