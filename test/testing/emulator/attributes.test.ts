import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ConfirmSignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createEmulatorMailbox } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';
import { createTestClient, createUser, emulator, refusal, signIn } from './fixtures';

const TAKEN = { name: 'AliasExistsException', message: 'An account with the given email already exists.' };

describe('user attributes (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createTestClient();
  });

  describe('ConfirmSignUp', () => {
    it('marks the address verified, as confirming with the e-mailed code does on Cognito', async () => {
      const user = await createUser(clientId, { confirmed: false });
      const { emulator: running, ids } = testEmulator();
      const code = (await createEmulatorMailbox(running.dir, ids.userPoolId).read()).find((e) => e.email === user.email)?.code as string;
      await emulator().client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: user.email, ConfirmationCode: code }));
      const { UserAttributes } = await emulator().client.send(new AdminGetUserCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
      expect(UserAttributes?.find((a) => a.Name === 'email_verified')?.Value).to.equal('true');
    });
  });

  describe('UpdateUserAttributes and AdminUpdateUserAttributes', () => {
    it("refuse another user's address (in any case) with AliasExistsException", async () => {
      const user = await createUser(clientId);
      const other = await createUser(clientId);
      const { AccessToken } = await signIn(clientId, user);
      const update = emulator().client.send(
        new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: other.email.toUpperCase() }] }),
      );
      expect(await refusal(update)).to.deep.equal(TAKEN);
      const admin = emulator().client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: emulator().userPoolId,
          Username: user.email,
          UserAttributes: [{ Name: 'email', Value: other.email }],
        }),
      );
      expect(await refusal(admin)).to.deep.equal(TAKEN);
    });

    it('accept an address nobody holds', async () => {
      const user = await createUser(clientId);
      const { AccessToken } = await signIn(clientId, user);
      const res = await emulator().client.send(
        new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: `free-${Date.now()}@example.com` }] }),
      );
      expect(res.$metadata.httpStatusCode).to.equal(200);
    });
  });
});
