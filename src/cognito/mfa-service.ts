import {
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { callCognito } from './errors';
import type { CognitoSettings } from './settings';
import { revokeRefreshToken } from './sign-out';
import { computeSecretHash, withSecretHash } from './user-service';

/**
 * How long Cognito keeps a sign-in challenge session: the app client's `AuthSessionValidity`, 3 minutes
 * unless the client sets otherwise. The code page gives up at the same moment.
 */
export const MFA_CHALLENGE_TTL_MS = 3 * 60 * 1000;

/** Two-step sign-in with an authenticator app (TOTP), for a signed-in person. Errors are `AppError`s. */
export interface MfaService {
  /** Whether TOTP is switched on for the person (GetUser's `UserMFASettingList`). */
  isTotpEnabled(accessToken: string): Promise<boolean>;
  /** AssociateSoftwareToken: a new secret (Base32), inactive until {@link MfaService.enableTotp}. */
  associateTotp(accessToken: string): Promise<string>;
  /** VerifySoftwareToken with a first code, then SetUserMFAPreference: TOTP on and preferred. */
  enableTotp(accessToken: string, code: string): Promise<void>;
  /** SetUserMFAPreference: TOTP off (the association stays, as in Cognito). */
  disableTotp(accessToken: string): Promise<void>;
  /**
   * Checks the person's current password with USER_PASSWORD_AUTH. With TOTP on, Cognito answers a right
   * password with the SOFTWARE_TOKEN_MFA challenge, which is left to expire unanswered; should it issue
   * tokens instead, their refresh token is revoked at once. Throws `current_password_wrong`.
   */
  checkPassword(username: string, password: string): Promise<void>;
}

/** Creates the service over one SDK client and one app client's settings. */
export function createMfaService(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'clientId' | 'clientSecret'>,
): MfaService {
  const call = callCognito;

  return {
    isTotpEnabled: (accessToken) =>
      call('profile', async () => {
        const out = await client.send(new GetUserCommand({ AccessToken: accessToken }));
        return (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
      }),

    associateTotp: (accessToken) =>
      call('mfaSetup', async () => {
        const out = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
        if (!out.SecretCode) throw new Error('AssociateSoftwareToken answered without a secret');
        return out.SecretCode;
      }),

    enableTotp: (accessToken, code) =>
      call('mfaSetup', async () => {
        const out = await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code }));
        if (out.Status !== 'SUCCESS') throw Object.assign(new Error('VerifySoftwareToken: not verified'), { name: 'EnableSoftwareTokenMFAException' });
        await client.send(
          new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
        );
      }),

    disableTotp: (accessToken) =>
      call('mfaSetup', async () => {
        await client.send(
          new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }),
        );
      }),

    checkPassword: (username, password) =>
      call('mfaPassword', async () => {
        const hash = settings.clientSecret === undefined ? undefined : computeSecretHash(username, settings.clientId, settings.clientSecret);
        const out = await client.send(
          new InitiateAuthCommand({
            ClientId: settings.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: username, PASSWORD: password, ...withSecretHash(hash) },
          }),
        );
        const refreshToken = out.AuthenticationResult?.RefreshToken;
        if (refreshToken) await revokeRefreshToken(client, settings, refreshToken);
      }),
  };
}
