import {
  AdminConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import { buildTestApp, type TestApp, resolveCognitoSettings } from '../helpers/app';
import { createClientDouble, type SentCommand } from '../helpers/client-double';
import { sidOf } from '../helpers/cookies';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { testEmulator } from '../helpers/emulator';
import { newEmail, submit } from '../helpers/forms';
import { TEST_PASSWORD } from '../helpers/users';

/** An error as the SDK throws it for a Cognito exception. */
function cognitoError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

describe('e-mail pages where cognito-local cannot answer (double at the Cognito client boundary)', () => {
  /** The app on the suite's pool with the double as its client; `emulator: false` takes the real-Cognito path. */
  function appWithDouble(answer: (c: SentCommand) => Promise<unknown> | undefined, options: { emulator?: boolean } = {}) {
    const { client: real, emulator, ids } = testEmulator();
    const double = createClientDouble(real, answer);
    const base = buildTestApp();
    const settings = { ...resolveCognitoSettings(base.config, ids, emulator.url), emulator: options.emulator ?? true };
    return { t: buildTestApp({ cognito: { settings, client: double.client } }), sent: double.sent };
  }

  async function signedInUser(t: TestApp) {
    const { client, ids } = testEmulator();
    const email = newEmail('double');
    await client.send(new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: email }));
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
    return { email, agent };
  }

  it('shows an expired code as expired, with a way to get a new one (double: cognito-local codes never expire)', async () => {
    const { t } = appWithDouble((c) => (c.name === 'VerifyUserAttributeCommand' ? Promise.reject(cognitoError('ExpiredCodeException')) : undefined));
    const { agent } = await signedInUser(t);
    const res = await submit(agent, '/email/verify', '/email/verify', { code: '123456' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('That code has expired. Ask for a new one.');
    expect(res.text).to.contain('action="/email/verify/send"');
  });

  it("shows Cognito's limit on code attempts and sends (double: cognito-local has none)", async () => {
    const { t } = appWithDouble((c) =>
      ['VerifyUserAttributeCommand', 'GetUserAttributeVerificationCodeCommand'].includes(c.name) ? Promise.reject(cognitoError('LimitExceededException')) : undefined,
    );
    const { agent } = await signedInUser(t);
    const verify = await submit(agent, '/email/verify', '/email/verify', { code: '123456' });
    expect(verify.status).to.equal(429);
    expect(verify.text).to.contain('Too many attempts.');
    const send = await submit(agent, '/profile', '/email/verify/send', {});
    expect(send.status).to.equal(429);
    expect(send.text).to.contain('Too many attempts.');
  });

  it('leaves the address check to Cognito on AWS: AliasExistsException shows "in use" and no emulator-only lookup is sent (double)', async () => {
    const { t, sent } = appWithDouble(
      (c) => (c.name === 'UpdateUserAttributesCommand' ? Promise.reject(cognitoError('AliasExistsException')) : undefined),
      { emulator: false },
    );
    const { agent } = await signedInUser(t);
    const taken = newEmail('alias');
    const res = await submit(agent, '/email/change', '/email/change', { email: taken, currentPassword: TEST_PASSWORD });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Another account already uses this address');
    expect(res.text).to.contain(`value="${taken}"`);
    expect(sent.map((c) => c.name)).to.include('UpdateUserAttributesCommand');
    expect(sent.map((c) => c.name)).to.not.include('AdminGetUserCommand');
  });

  it('shows an address Cognito refuses (InvalidParameterException) beside the field, keeping it (double)', async () => {
    const { t } = appWithDouble((c) => (c.name === 'UpdateUserAttributesCommand' ? Promise.reject(cognitoError('InvalidParameterException')) : undefined));
    const { agent } = await signedInUser(t);
    const odd = newEmail('odd');
    const res = await submit(agent, '/email/change', '/email/change', { email: odd, currentPassword: TEST_PASSWORD });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Cognito did not accept this address.');
    expect(res.text).to.contain(`value="${odd}"`);
  });

  it("keeps the re-authentication's tokens in the session and revokes the session's old refresh token (double: records the tokens)", async () => {
    const { client: real } = testEmulator();
    const issued: string[] = [];
    const store = new session.MemoryStore();
    const { client: double, sent } = createClientDouble(real, (c) => {
      if (c.name !== 'InitiateAuthCommand') return undefined;
      return real.send(new InitiateAuthCommand(c.input as never)).then((out) => {
        issued.push(out.AuthenticationResult?.RefreshToken ?? '');
        return out;
      });
    });
    const { emulator, ids } = testEmulator();
    const t = buildTestApp({ cognito: { settings: resolveCognitoSettings(buildTestApp().config, ids, emulator.url), client: double }, sessionStore: store });
    const { agent } = await signedInUser(t);
    const change = await submit(agent, '/email/change', '/email/change', { email: newEmail('revoke'), currentPassword: TEST_PASSWORD });
    expect(change.status).to.equal(303);
    expect(issued, 'the sign-in and the re-authentication').to.have.length(2);
    const revoked = sent.filter((c) => c.name === 'RevokeTokenCommand').map((c) => c.input.Token);
    expect(revoked).to.deep.equal([issued[0]]);
    const kept = (await storedSession(store, sessionIdOf(sidOf(change)!)))?.cognito?.tokens?.refreshToken;
    expect(kept, 'the session holds the fresh refresh token').to.equal(issued[1]);
    await agent.get('/profile').expect(200);
  });

  it('answers a Cognito exception named like an Object.prototype member on the e-mail pages with the 502 page, never a 500 or a stack trace (double)', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const { t } = appWithDouble((c) =>
        c.name === 'GetUserAttributeVerificationCodeCommand' ? Promise.reject(Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } })) : undefined,
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
