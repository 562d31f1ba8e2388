import { RevokeTokenCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
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
