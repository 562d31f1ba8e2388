import { AdminConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildTestApp, type TestApp, resolveCognitoSettings } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { newEmail, submit } from '../../helpers/forms';
import { TEST_PASSWORD } from '../../helpers/users';

/** An error as the SDK throws it for a Cognito exception. */
function cognitoError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

describe('e-mail pages where the emulator cannot answer (double at the Cognito client boundary)', () => {
  /** The app on the suite's pool with the double as its client. */
  function appWithDouble(answer: (c: SentCommand) => Promise<unknown> | undefined) {
    const { client: real, emulator, ids } = testEmulator();
    const double = createClientDouble(real, answer);
    const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
    return { t: buildTestApp({ cognito: { settings, client: double.client } }) };
  }

  async function signedInUser(t: TestApp) {
    const { client, ids } = testEmulator();
    const email = newEmail('double');
    await client.send(
      new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: email }));
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
    return { email, agent };
  }

  it("shows an expired code as expired, with a way to get a new one (double: the emulator's codes expire after 24 hours on its clock, and so would the session's tokens)", async () => {
    const { t } = appWithDouble((c) => (c.name === 'VerifyUserAttributeCommand' ? Promise.reject(cognitoError('ExpiredCodeException')) : undefined));
    const { agent } = await signedInUser(t);
    const res = await submit(agent, '/email/verify', '/email/verify', { code: '123456' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('That code has expired. Ask for a new one.');
    expect(res.text).to.contain('action="/email/verify/send"');
  });

  it("shows Cognito's limit on code attempts and sends (double: the emulator limits no sends)", async () => {
    const { t } = appWithDouble((c) =>
      ['VerifyUserAttributeCommand', 'GetUserAttributeVerificationCodeCommand'].includes(c.name)
        ? Promise.reject(cognitoError('LimitExceededException'))
        : undefined,
    );
    const { agent } = await signedInUser(t);
    const verify = await submit(agent, '/email/verify', '/email/verify', { code: '123456' });
    expect(verify.status).to.equal(429);
    expect(verify.text).to.contain('Too many attempts.');
    const send = await submit(agent, '/profile', '/email/verify/send', {});
    expect(send.status).to.equal(429);
    expect(send.text).to.contain('Too many attempts.');
  });

  it('shows an address Cognito refuses (InvalidParameterException) beside the field, keeping it (double)', async () => {
    const { t } = appWithDouble((c) =>
      c.name === 'UpdateUserAttributesCommand' ? Promise.reject(cognitoError('InvalidParameterException')) : undefined,
    );
    const { agent } = await signedInUser(t);
    const odd = newEmail('odd');
    const res = await submit(agent, '/email/change', '/email/change', { email: odd, currentPassword: TEST_PASSWORD });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Cognito did not accept this address.');
    expect(res.text).to.contain(`value="${odd}"`);
  });

  it('answers a Cognito exception named like an Object.prototype member on the e-mail pages with the 502 page, never a 500 or a stack trace (double)', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const { t } = appWithDouble((c) =>
        c.name === 'GetUserAttributeVerificationCodeCommand'
          ? Promise.reject(Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } }))
          : undefined,
      );
      const { agent } = await signedInUser(t);
      const res = await submit(agent, '/profile', '/email/verify/send', {});
      expect(res.status, name).to.equal(502);
      expect(res.text, name).to.contain('class="error-message"');
      expect(res.text, name).to.not.match(/\n\s+at [\w.<>]+ \(|TypeError/);
      expect(t.logs.join(''), name).to.not.contain('error page failed');
    }
  });
});
