import {
  AdminUserGlobalSignOutCommand,
  GlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LoggerLike } from '../log';
import type { SessionTokens } from './tokens';
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
  await client.send(new RevokeTokenCommand({ Token: refreshToken, ClientId: settings.clientId, ClientSecret: settings.clientSecret }));
}

/**
 * Ends this session's sign-in at Cognito: `RevokeToken` revokes its refresh token and the access tokens
 * issued from it (real Cognito and cognito-local alike). The person's other devices stay signed in: that
 * is what "Sign out everywhere" is for ({@link signOutGlobally}). A failure does not stop the sign-out:
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

/** Whose tokens to revoke everywhere. */
export interface RevocationTarget {
  /** The user's Cognito username (`cognito:username`), or an alias such as the email. */
  username: string;
  /** An access token of the user's, for `GlobalSignOut` where the app may not use the admin API. */
  accessToken?: string | undefined;
}

/** What {@link signOutGlobally} managed. Failures are exception names only, for the log. */
export interface GlobalSignOutOutcome {
  /** How every token of the user was invalidated, or undefined when neither call was allowed. */
  global: 'AdminUserGlobalSignOut' | 'GlobalSignOut' | undefined;
  failures: string[];
}

/** What signing a user out everywhere managed: the global sign-out, else refresh tokens revoked one by one. */
export interface RevocationOutcome extends GlobalSignOutOutcome {
  /** Refresh tokens revoked one by one (only when `global` is undefined). */
  revoked: number;
}

/** Runs `work`, recording a failure by exception name; true when it succeeded. */
async function attempt(failures: string[], name: string, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    failures.push(`${name}: ${(err as { name?: string }).name ?? 'Error'}`);
    return false;
  }
}

/**
 * Signs a user out of every device at Cognito, as far as this client may: `AdminUserGlobalSignOut` (real
 * Cognito, with IAM permission), else `GlobalSignOut` with the user's access token. Plain cognito-local
 * supports neither (the kit's emulator supports both): then `global` is undefined and the caller revokes the refresh tokens it holds
 * ({@link revokeRefreshTokens}). Never throws: needing nothing from the session store, it runs first.
 */
export async function signOutGlobally(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'userPoolId'>,
  target: RevocationTarget,
): Promise<GlobalSignOutOutcome> {
  const failures: string[] = [];
  const admin = new AdminUserGlobalSignOutCommand({ UserPoolId: settings.userPoolId, Username: target.username });
  if (await attempt(failures, 'AdminUserGlobalSignOut', () => client.send(admin))) return { global: 'AdminUserGlobalSignOut', failures };
  const { accessToken } = target;
  if (accessToken && (await attempt(failures, 'GlobalSignOut', () => client.send(new GlobalSignOutCommand({ AccessToken: accessToken }))))) {
    return { global: 'GlobalSignOut', failures };
  }
  return { global: undefined, failures };
}

/** Revokes each refresh token (`RevokeToken`), once each; never throws. */
export async function revokeRefreshTokens(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'>,
  refreshTokens: Array<string | undefined>,
): Promise<{ revoked: number; failures: string[] }> {
  const failures: string[] = [];
  let revoked = 0;
  const tokens = new Set(refreshTokens.filter((t): t is string => typeof t === 'string' && t.length > 0));
  for (const token of tokens) {
    if (await attempt(failures, 'RevokeToken', () => revokeRefreshToken(client, settings, token))) revoked += 1;
  }
  return { revoked, failures };
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
