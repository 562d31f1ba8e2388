import {
  GlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Logger } from 'pino';
import type { SessionTokens } from '../auth/session-user';
import { signOutUrl } from './pool-settings';
import type { CognitoSettings } from './settings';

/**
 * Revokes a refresh token (and the access tokens issued from it) with `RevokeToken`, which both real
 * Cognito and cognito-local implement. The client secret goes along when the client has one.
 */
export async function revokeRefreshToken(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'>,
  refreshToken: string,
): Promise<void> {
  await client.send(
    new RevokeTokenCommand({ Token: refreshToken, ClientId: settings.clientId, ClientSecret: settings.clientSecret }),
  );
}

/**
 * Ends the person's sign-in at Cognito as far as it goes: `GlobalSignOut` invalidates every token Cognito
 * issued to them (real Cognito; cognito-local answers Unsupported); where that did not happen,
 * `RevokeToken` revokes this session's refresh token and the access tokens issued from it. Neither
 * failure stops the sign-out: the session ends anyway, and the failure is logged by name.
 */
export async function signOutAtCognito(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'>,
  tokens: SessionTokens | undefined,
  logger: Logger,
): Promise<void> {
  if (!tokens) return;
  const signedOutEverywhere = await client.send(new GlobalSignOutCommand({ AccessToken: tokens.accessToken })).then(
    () => true,
    (err: Error) => {
      logger.info({ errName: err.name }, 'global sign-out not done; revoking the refresh token');
      return false;
    },
  );
  if (!signedOutEverywhere && tokens.refreshToken) {
    await revokeRefreshToken(client, settings, tokens.refreshToken).catch((err: Error) => {
      logger.warn({ errName: err.name }, 'refresh token revocation failed; the session ends anyway');
    });
  }
}

/**
 * Where the browser goes after the app's session ends: Cognito's Hosted UI `/logout` (which ends the
 * Hosted UI's own session cookie and comes back to the registered sign-out URL) where the issuer has
 * one; cognito-local has none, so there the start page.
 */
export function postSignOutRedirect(settings: Pick<CognitoSettings, 'logoutUrl' | 'clientId'>, appBaseUrl: string): string {
  if (!settings.logoutUrl) return '/';
  const url = new URL(settings.logoutUrl);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('logout_uri', signOutUrl(appBaseUrl));
  return url.toString();
}
