import { createHmac } from 'node:crypto';
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { testEmulator } from './emulator';

/** Whether cognito-local still accepts a refresh token (REFRESH_TOKEN_AUTH straight at the emulator). */
export async function refreshAccepted(refreshToken: string): Promise<boolean> {
  const { client, ids } = testEmulator();
  return client
    .send(new InitiateAuthCommand({ ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }))
    .then(
      () => true,
      (err: Error) => {
        expect(err.name).to.equal('NotAuthorizedException');
        return false;
      },
    );
}

/** Whether the emulator still accepts an access token (GetUser with it). */
export async function accessAccepted(accessToken: string): Promise<boolean> {
  const { client } = testEmulator();
  return client.send(new GetUserCommand({ AccessToken: accessToken })).then(
    () => true,
    (err: Error) => {
      expect(err.name).to.equal('NotAuthorizedException');
      return false;
    },
  );
}

/** Signs in straight at the emulator, as another app of the same pool would: tokens no session of this app holds. */
export async function signInElsewhere(user: { email: string; password: string }): Promise<{ accessToken: string; refreshToken: string }> {
  const { client, ids } = testEmulator();
  const secretHash = createHmac('sha256', ids.clientSecret as string)
    .update(user.email + ids.clientId)
    .digest('base64');
  const out = await client.send(
    new InitiateAuthCommand({
      ClientId: ids.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password, SECRET_HASH: secretHash },
    }),
  );
  return { accessToken: out.AuthenticationResult!.AccessToken!, refreshToken: out.AuthenticationResult!.RefreshToken! };
}
