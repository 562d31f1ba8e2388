import {
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { callCognito } from './errors';

/**
 * How long Cognito keeps a sign-in challenge session: the app client's `AuthSessionValidity`, 3 minutes
 * unless the client sets otherwise. The code page gives up at the same moment.
 */
export const MFA_CHALLENGE_TTL_MS = 3 * 60 * 1000;

/**
 * Two-step sign-in with an authenticator app (TOTP), for a signed-in person. Errors are `CognitoAuthError`s.
 * Whether it is on is `UserService.totpEnabled`; the password (and code) before a change is the step-up's.
 */
export interface MfaService {
  /** AssociateSoftwareToken: a new secret (Base32), inactive until {@link MfaService.enableTotp}. */
  associateTotp(accessToken: string): Promise<string>;
  /** VerifySoftwareToken with a first code, then SetUserMFAPreference: TOTP on and preferred. */
  enableTotp(accessToken: string, code: string): Promise<void>;
  /** SetUserMFAPreference: TOTP off (the association stays, as in Cognito). */
  disableTotp(accessToken: string): Promise<void>;
}

/** Creates the service over one SDK client. */
export function createMfaService(client: CognitoIdentityProviderClient): MfaService {
  const call = callCognito;

  return {
    associateTotp: (accessToken) =>
      call('mfaSetup', async () => {
        const out = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
        if (!out.SecretCode) throw new Error('AssociateSoftwareToken answered without a secret');
        return out.SecretCode;
      }),

    enableTotp: (accessToken, code) =>
      call('mfaSetup', async () => {
        const out = await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code }));
        if (out.Status !== 'SUCCESS')
          throw Object.assign(new Error('VerifySoftwareToken: not verified'), { name: 'EnableSoftwareTokenMFAException' });
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
  };
}
