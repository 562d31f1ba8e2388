import {
  GetUserAttributeVerificationCodeCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AppError } from '../errors';
import { refuseTakenAddressOnEmulator } from './emulator-checks';
import { mapCognitoError } from './errors';
import type { CognitoSettings } from './settings';
import { revokeRefreshToken } from './sign-out';
import type { SignInResult, UserService } from './user-service';

/** Verifying the account's e-mail address and changing it. Each method throws an `AppError` the pages show. */
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
  /**
   * Proves the person knows the account's password (a sign-in with it as `username`, Cognito's own name
   * for the account), before an address change. The tokens that sign-in produced are revoked at once; a
   * wrong password is `current_password_wrong`; a password an administrator reset ends the session
   * (`session_expired`), as it does on the other account pages.
   */
  checkPassword(username: string, password: string): Promise<void>;
}

/**
 * Exceptions whose meaning on these pages differs from the other account pages. A Map: the names come
 * from outside, and one named like an `Object.prototype` member must find nothing.
 */
const BY_NAME = new Map<string, AppError['code']>([
  // GetUserAttributeVerificationCode and GetUser on a user deleted meanwhile.
  ['UserNotFoundException', 'session_expired'],
]);

/**
 * Creates the service over one SDK client. `users` signs in for {@link EmailService.checkPassword}, so
 * the check follows whatever sign-in path the custom pages use.
 */
export function createEmailService(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'emulator' | 'userPoolId' | 'clientId' | 'clientSecret'>,
  users: Pick<UserService, 'signIn'>,
): EmailService {
  async function call(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const name = (err as { name?: unknown })?.name;
      const code = typeof name === 'string' ? BY_NAME.get(name) : undefined;
      throw code ? new AppError(code, `email: ${name as string}`, { cause: err }) : mapCognitoError(err, 'profile');
    }
  }

  return {
    sendCode: (accessToken) =>
      call(() => client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: 'email' }))),

    verifyCode: (accessToken, code) =>
      call(() => client.send(new VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName: 'email', Code: code }))),

    requestChange: (accessToken, newEmail) =>
      call(async () => {
        if (settings.emulator) await refuseTakenAddressOnEmulator(client, settings.userPoolId, accessToken, newEmail);
        await client.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'email', Value: newEmail }] }));
      }),

    async checkPassword(username, password) {
      let result: SignInResult;
      try {
        result = await users.signIn(username, password);
      } catch (err) {
        if (err instanceof AppError && err.code === 'bad_credentials') {
          throw new AppError('current_password_wrong', 'email: password check failed', { cause: err });
        }
        if (err instanceof AppError && err.code === 'password_reset_required') {
          throw new AppError('session_expired', 'email: password reset required', { cause: err });
        }
        throw err;
      }
      // Only the answer mattered: nobody keeps these tokens, so they should not stay valid either.
      const refreshToken = result.kind === 'tokens' ? result.tokens.refreshToken : undefined;
      if (refreshToken) await revokeRefreshToken(client, settings, refreshToken).catch(() => undefined);
    },
  };
}
