import {
  GetUserAttributeVerificationCodeCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthError } from '../errors';
import { mapCognitoError } from './errors';

/** Verifying the account's e-mail address and changing it. Each method throws an `CognitoAuthError` the pages show. */
export interface EmailService {
  /** GetUserAttributeVerificationCode: Cognito e-mails a code to the address (a pending new one first). */
  sendCode(accessToken: string): Promise<void>;
  /** VerifyUserAttribute for `email`: marks the address verified, and applies a pending change. */
  verifyCode(accessToken: string, code: string): Promise<void>;
  /**
   * UpdateUserAttributes with the new address; Cognito e-mails a code to it. Where the pool keeps the
   * original value until verification (`AttributesRequireVerificationBeforeUpdate: ['email']`), the old
   * address stays `email` and the sign-in address until the code is entered; otherwise `email` changes
   * at once, unverified. Another account's address is refused with `email_taken`.
   */
  requestChange(accessToken: string, newEmail: string): Promise<void>;
}

/**
 * Exceptions whose meaning on these pages differs from the other account pages. A Map: the names come
 * from outside, and one named like an `Object.prototype` member must find nothing.
 */
const BY_NAME = new Map<string, CognitoAuthError['code']>([
  // GetUserAttributeVerificationCode and GetUser on a user deleted meanwhile.
  ['UserNotFoundException', 'session_expired'],
]);

/** Creates the service over one SDK client. */
export function createEmailService(client: CognitoIdentityProviderClient): EmailService {
  async function call(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const name = (err as { name?: unknown })?.name;
      const code = typeof name === 'string' ? BY_NAME.get(name) : undefined;
      throw code ? new CognitoAuthError(code, `email: ${name as string}`, { cause: err }) : mapCognitoError(err, 'profile');
    }
  }

  return {
    sendCode: (accessToken) =>
      call(() => client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: 'email' }))),

    verifyCode: (accessToken, code) =>
      call(() => client.send(new VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName: 'email', Code: code }))),

    requestChange: (accessToken, newEmail) =>
      call(async () => {
        await client.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'email', Value: newEmail }] }));
      }),
  };
}
