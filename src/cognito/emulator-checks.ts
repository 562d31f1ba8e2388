import { AdminGetUserCommand, GetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { AppError } from '../errors';

/**
 * Real Cognito refuses an address another user holds (AliasExistsException: e-mail is a sign-in
 * attribute of this pool); cognito-local accepts it and would leave two accounts with one sign-in
 * address. Called on the emulator only (the caller checks `settings.emulator`), so this IAM-authorized
 * look-up never reaches real Cognito, and the app server's IAM policy does not need it.
 */
export async function refuseTakenAddressOnEmulator(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  accessToken: string,
  newEmail: string,
): Promise<void> {
  const holder = await client
    .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: newEmail }))
    .catch((err: { name?: string }) => {
      if (err?.name === 'UserNotFoundException') return undefined;
      throw err;
    });
  if (!holder) return;
  const self = await client.send(new GetUserCommand({ AccessToken: accessToken }));
  const subOf = (attributes: Array<{ Name?: string; Value?: string }> | undefined) => attributes?.find((a) => a.Name === 'sub')?.Value;
  if (subOf(holder.UserAttributes) !== subOf(self.UserAttributes)) {
    throw new AppError('email_taken', 'email: address held by another user (emulator check)');
  }
}
