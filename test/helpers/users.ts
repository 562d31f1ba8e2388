import { randomUUID } from 'node:crypto';
import { AdminConfirmSignUpCommand, AdminUpdateUserAttributesCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { testEmulator } from './emulator';

/** A password that meets the pool's default policy. */
export const TEST_PASSWORD = 'Passw0rd!Test';

/** Signs up and confirms a fresh user in the suite's emulator (as an administrator would). */
export async function createConfirmedUser(password = TEST_PASSWORD): Promise<{ email: string; password: string; sub: string }> {
  const { client, ids } = testEmulator();
  const email = `user-${randomUUID().slice(0, 8)}@example.com`;
  const signUp = await client.send(
    new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: email }));
  return { email, password, sub: signUp.UserSub as string };
}

/** {@link createConfirmedUser} with a verified address: Cognito e-mails sign-in codes only to a verified one. */
export async function createVerifiedUser(): Promise<{ email: string; password: string; sub: string }> {
  const user = await createConfirmedUser();
  const { client, ids } = testEmulator();
  await client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: ids.userPoolId,
      Username: user.email,
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  return user;
}
