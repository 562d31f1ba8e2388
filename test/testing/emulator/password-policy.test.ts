import {
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createEmulatorMailbox } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';
import { createTestClient, createUser, emulator, PASSWORD, refusal, signIn } from './fixtures';

const policy = (rule: string) => ({ name: 'InvalidPasswordException', message: `Password did not conform with policy: ${rule}` });

describe('password policy (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createTestClient();
  });

  describe('SignUp', () => {
    const signUp = (password: string) => {
      const email = `policy-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      return emulator().client.send(
        new SignUpCommand({ ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }),
      );
    };

    it("refuses each rule of the pool's policy with Cognito's message", async () => {
      expect(await refusal(signUp('Aa1!'))).to.deep.equal(policy('Password not long enough'));
      expect(await refusal(signUp('passw0rd!'))).to.deep.equal(policy('Password must have uppercase characters'));
      expect(await refusal(signUp('PASSW0RD!'))).to.deep.equal(policy('Password must have lowercase characters'));
      expect(await refusal(signUp('Password!'))).to.deep.equal(policy('Password must have numeric characters'));
      expect(await refusal(signUp('Passw0rdx'))).to.deep.equal(policy('Password must have symbol characters'));
    });

    it('refuses a password that begins or ends with a space (InvalidParameterException)', async () => {
      expect((await refusal(signUp(' Passw0rd!'))).name).to.equal('InvalidParameterException');
    });

    it('accepts a password that meets the policy, with a space inside counting as a symbol', async () => {
      expect((await signUp('Passw0rd with space')).UserSub).to.be.a('string');
    });
  });

  describe('ChangePassword', () => {
    it('refuses a new password the policy does not allow, and a wrong current password with NotAuthorizedException', async () => {
      const user = await createUser(clientId);
      const { AccessToken } = await signIn(clientId, user);
      const change = (previous: string, proposed: string) =>
        emulator().client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: previous, ProposedPassword: proposed }));
      expect(await refusal(change(PASSWORD, 'short'))).to.deep.equal(policy('Password not long enough'));
      expect(await refusal(change('Wrong-passw0rd', 'N3w-Passw0rd!'))).to.deep.equal({
        name: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
      await change(PASSWORD, 'N3w-Passw0rd!');
    });
  });

  describe('ConfirmForgotPassword and AdminSetUserPassword', () => {
    it('refuse a new password the policy does not allow', async () => {
      const user = await createUser(clientId);
      await emulator().client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: user.email }));
      const { emulator: running, ids } = testEmulator();
      const code = (await createEmulatorMailbox(running.dir, ids.userPoolId).read()).find((e) => e.email === user.email)?.code as string;
      const reset = emulator().client.send(
        new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: user.email, ConfirmationCode: code, Password: 'nouppercase1!' }),
      );
      expect(await refusal(reset)).to.deep.equal(policy('Password must have uppercase characters'));
      const admin = emulator().client.send(
        new AdminSetUserPasswordCommand({ UserPoolId: emulator().userPoolId, Username: user.email, Password: 'NoDigits!!', Permanent: true }),
      );
      expect(await refusal(admin)).to.deep.equal(policy('Password must have numeric characters'));
    });
  });
});
