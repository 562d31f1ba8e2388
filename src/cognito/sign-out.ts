import {
  AdminUserGlobalSignOutCommand,
  GlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LoggerLike } from '../auth/request-log';
import type { SessionTokens } from '../auth/session-user';
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
 * Ends this session's sign-in at Cognito: `RevokeToken` revokes its refresh token and the access tokens
 * issued from it (real Cognito and cognito-local alike). The person's other devices stay signed in: that
 * is what "Sign out everywhere" is for ({@link revokeEverywhere}). A failure does not stop the sign-out:
 * the session ends anyway, and the failure is logged by name.
 */
export async function signOutAtCognito(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'>,
  tokens: SessionTokens | undefined,
  logger: LoggerLike,
): Promise<void> {
  if (!tokens?.refreshToken) return;
  await revokeRefreshToken(client, settings, tokens.refreshToken).catch((err: Error) => {
    logger.warn({ errName: err.name }, 'refresh token revocation failed; the session ends anyway');
  });
}

/** Whose tokens to revoke everywhere, and what this app holds of them. */
export interface RevocationTarget {
  /** The user's Cognito username (`cognito:username`), or an alias such as the email. */
  username: string;
  /** An access token of the user's, for `GlobalSignOut` where the app may not use the admin API. */
  accessToken?: string | undefined;
  /** Refresh tokens the app's sessions held: revoked one by one where no global sign-out happened. */
  refreshTokens: Array<string | undefined>;
}

/** What {@link signOutEverywhere} managed. Failures are exception names only, for the log. */
export interface RevocationOutcome {
  /** How every token of the user was invalidated, if it was. */
  global: 'AdminUserGlobalSignOut' | 'GlobalSignOut' | undefined;
  /** Refresh tokens revoked one by one (only when `global` is undefined). */
  revoked: number;
  failures: string[];
}

/**
 * Signs a user out of every device at Cognito, as far as this client may: `AdminUserGlobalSignOut` (real
 * Cognito, with IAM permission), else `GlobalSignOut` with the user's access token, else (cognito-local
 * supports neither) `RevokeToken` for each refresh token the app's sessions held. Never throws: the
 * sessions end in the app whatever Cognito says.
 */
export async function signOutEverywhere(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'userPoolId' | 'clientId' | 'clientSecret'>,
  target: RevocationTarget,
): Promise<RevocationOutcome> {
  const failures: string[] = [];
  const attempt = async (name: string, work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (err) {
      failures.push(`${name}: ${(err as { name?: string }).name ?? 'Error'}`);
      return false;
    }
  };
  const admin = new AdminUserGlobalSignOutCommand({ UserPoolId: settings.userPoolId, Username: target.username });
  if (await attempt('AdminUserGlobalSignOut', () => client.send(admin))) return { global: 'AdminUserGlobalSignOut', revoked: 0, failures };
  const { accessToken } = target;
  if (accessToken && (await attempt('GlobalSignOut', () => client.send(new GlobalSignOutCommand({ AccessToken: accessToken }))))) {
    return { global: 'GlobalSignOut', revoked: 0, failures };
  }
  let revoked = 0;
  const tokens = new Set(target.refreshTokens.filter((t): t is string => typeof t === 'string' && t.length > 0));
  for (const token of tokens) {
    if (await attempt('RevokeToken', () => revokeRefreshToken(client, settings, token))) revoked += 1;
  }
  return { global: undefined, revoked, failures };
}

/**
 * Where the browser goes after the app's session ends: Cognito's Hosted UI `/logout` (which ends the
 * Hosted UI's own session cookie and comes back to `<appBaseUrl><afterSignOutTo>`, which must be a
 * registered sign-out URL) where the issuer has one; cognito-local has none, so straight there.
 */
export function postSignOutRedirect(settings: Pick<CognitoSettings, 'logoutUrl' | 'clientId'>, appBaseUrl: string, afterSignOutTo = '/'): string {
  if (!settings.logoutUrl) return afterSignOutTo;
  const url = new URL(settings.logoutUrl);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('logout_uri', `${appBaseUrl}${afterSignOutTo}`);
  return url.toString();
}
