import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  ResendConfirmationCodeCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { assert, expect } from 'chai';
import { createEmulatorMailbox } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';
import { advanceClock, createTestClient, createUser, emulator, PASSWORD, refusal, resetClockAfterEach, signIn } from './fixtures';

const EXPIRED = { name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' };
const MISMATCH = { name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' };
const LIMIT = { name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' };

/** The newest pending code of `kind` for `email`, from the emulator's data (the offline mailbox). */
async function codeFor(email: string, kind: 'signup' | 'reset' | 'attribute'): Promise<string> {
  const { emulator: running, ids } = testEmulator();
  const entry = (await createEmulatorMailbox(running.dir, ids.userPoolId).read()).find((e) => e.email === email && e.kind === kind);
  assert.exists(entry, `a pending ${kind} code for ${email}`);
  return entry.code;
}

/** Six digits that are not `code`. */
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

describe('codes (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createTestClient();
  });
  resetClockAfterEach();

  const confirm = (email: string, code: string) =>
    emulator().client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
  const resend = (email: string) => emulator().client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: email }));

  describe('ResendConfirmationCode', () => {
    it('sends a new sign-up code that replaces the old one', async () => {
      const user = await createUser(clientId, { confirmed: false });
      const old = await codeFor(user.email, 'signup');
      const res = await resend(user.email);
      expect(res.CodeDeliveryDetails).to.include({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      const fresh = await codeFor(user.email, 'signup');
      expect(fresh).to.not.equal(old);
      expect(await refusal(confirm(user.email, old))).to.deep.equal(MISMATCH);
      await confirm(user.email, fresh);
    });

    it('refuses a user who is already confirmed', async () => {
      const user = await createUser(clientId);
      expect(await refusal(resend(user.email))).to.deep.equal({ name: 'InvalidParameterException', message: 'User is already confirmed.' });
    });

    it('answers an unknown address as if it had sent a code, where the client prevents user-existence errors', async () => {
      const res = await resend(`nobody-${Date.now()}@example.com`);
      expect(res.CodeDeliveryDetails?.DeliveryMedium).to.equal('EMAIL');
    });
  });

  describe('ConfirmSignUp', () => {
    it('accepts the code for 24 hours and refuses it after with ExpiredCodeException', async () => {
      const early = await createUser(clientId, { confirmed: false });
      const late = await createUser(clientId, { confirmed: false });
      await advanceClock(24 * 3600 - 60);
      await confirm(early.email, await codeFor(early.email, 'signup'));
      await advanceClock(120);
      expect(await refusal(confirm(late.email, await codeFor(late.email, 'signup')))).to.deep.equal(EXPIRED);
    });

    it('refuses every attempt after five wrong codes, even the right code, until a new code is sent', async () => {
      const user = await createUser(clientId, { confirmed: false });
      const code = await codeFor(user.email, 'signup');
      for (let i = 0; i < 5; i += 1) expect(await refusal(confirm(user.email, wrong(code)))).to.deep.equal(MISMATCH);
      expect(await refusal(confirm(user.email, code))).to.deep.equal(LIMIT);
      await resend(user.email);
      await confirm(user.email, await codeFor(user.email, 'signup'));
    });
  });

  describe('ConfirmForgotPassword', () => {
    const forgot = (email: string) => emulator().client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    const reset = (email: string, code: string) =>
      emulator().client.send(
        new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, Password: `${PASSWORD}2` }),
      );

    it('accepts the reset code for an hour and refuses it after with ExpiredCodeException', async () => {
      const early = await createUser(clientId);
      const late = await createUser(clientId);
      await forgot(early.email);
      await forgot(late.email);
      await advanceClock(3600 - 60);
      await reset(early.email, await codeFor(early.email, 'reset'));
      await advanceClock(120);
      expect(await refusal(reset(late.email, await codeFor(late.email, 'reset')))).to.deep.equal(EXPIRED);
    });

    it('answers an unknown address as Cognito does where the client prevents user-existence errors', async () => {
      const nobody = `nobody-${Date.now()}@example.com`;
      expect((await forgot(nobody)).CodeDeliveryDetails?.DeliveryMedium, 'ForgotPassword: as if a code were sent').to.equal('EMAIL');
      expect((await refusal(reset(nobody, '123456'))).name, 'ConfirmForgotPassword: a wrong code').to.equal('CodeMismatchException');
      const user = await createUser(clientId);
      expect((await refusal(reset(user.email, '123456'))).name, 'no code was asked for').to.equal('ExpiredCodeException');
    });

    it('refuses every attempt after five wrong codes; a new ForgotPassword starts again', async () => {
      const user = await createUser(clientId);
      await forgot(user.email);
      const code = await codeFor(user.email, 'reset');
      for (let i = 0; i < 5; i += 1) expect((await refusal(reset(user.email, wrong(code)))).name).to.equal('CodeMismatchException');
      expect(await refusal(reset(user.email, code))).to.deep.equal(LIMIT);
      await forgot(user.email);
      await reset(user.email, await codeFor(user.email, 'reset'));
    });
  });

  describe('VerifyUserAttribute', () => {
    it('accepts the code for 24 hours, then refuses it with ExpiredCodeException', async () => {
      const user = await createUser(clientId);
      const { AccessToken } = await signIn(clientId, user);
      await emulator().client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
      const code = await codeFor(user.email, 'attribute');
      await advanceClock(24 * 3600 + 60);
      // The access token expired on the moved clock too: sign in again for a fresh one.
      const fresh = (await signIn(clientId, user)).AccessToken;
      const res = await refusal(emulator().client.send(new VerifyUserAttributeCommand({ AccessToken: fresh, AttributeName: 'email', Code: code })));
      expect(res).to.deep.equal(EXPIRED);
    });

    it('counts wrong codes toward the limit', async () => {
      const user = await createUser(clientId);
      const { AccessToken } = await signIn(clientId, user);
      await emulator().client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
      const code = await codeFor(user.email, 'attribute');
      const verify = (c: string) => emulator().client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: c }));
      for (let i = 0; i < 5; i += 1) expect((await refusal(verify(wrong(code)))).name).to.equal('CodeMismatchException');
      expect(await refusal(verify(code))).to.deep.equal(LIMIT);
    });
  });
});
