import { createHmac } from 'node:crypto';
import { AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildTestApp, resolveCognitoSettings } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../../helpers/forms';
import { TEST_PASSWORD } from '../../helpers/users';

const NEW_PASSWORD = 'Ch0sen-Passw0rd!';

/** An app whose Cognito client is the double (everything else, including the verifier, is real). */
function appWithDouble(answer?: (c: SentCommand) => Promise<unknown> | undefined, clock?: () => number) {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, answer);
  const base = buildTestApp();
  const settings = resolveCognitoSettings(base.config, ids, emulator.url);
  return { t: buildTestApp({ cognito: { settings, client: double.client }, clock }), sent: double.sent };
}

/** Cognito's SECRET_HASH, computed here independently of the app. */
function expectedSecretHash(username: string): string {
  const { ids } = testEmulator();
  return createHmac('sha256', ids.clientSecret as string)
    .update(username + ids.clientId)
    .digest('base64');
}

describe('custom pages where the emulator cannot answer (double at the Cognito client boundary)', () => {
  it('sends a correct SECRET_HASH on every call that names a user, the token refresh included (double: the emulator checks SECRET_HASH only for choice-based sign-in)', async () => {
    let offset = 0;
    const { t, sent } = appWithDouble(undefined, () => Date.now() + offset);
    const agent = t.agent();
    const email = newEmail('hash');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    await submit(agent, '/signup/confirm', '/signup/resend', { email });
    await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: codeFromEmulator(email) });
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
    offset = 59.5 * 60_000; // the access token is about to expire: the next page refreshes it
    await agent.get('/complete').expect(200);
    await submit(t.agent(), '/password/forgot', '/password/forgot', { email });
    await submit(t.agent(), '/password/reset', '/password/reset', {
      email,
      code: codeFromEmulator(email),
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });

    const named = sent.filter((c) =>
      [
        'SignUpCommand',
        'ResendConfirmationCodeCommand',
        'ConfirmSignUpCommand',
        'AdminInitiateAuthCommand',
        'InitiateAuthCommand',
        'ForgotPasswordCommand',
        'ConfirmForgotPasswordCommand',
      ].includes(c.name),
    );
    expect(named.map((c) => c.name)).to.have.members([
      'SignUpCommand',
      'ResendConfirmationCodeCommand',
      'ConfirmSignUpCommand',
      'AdminInitiateAuthCommand', // the sign-in (ADMIN_USER_PASSWORD_AUTH)
      'InitiateAuthCommand', // the refresh (REFRESH_TOKEN_AUTH)
      'ForgotPasswordCommand',
      'ConfirmForgotPasswordCommand',
    ]);
    expect(named.filter((c) => (c.input.AuthParameters as Record<string, string> | undefined)?.REFRESH_TOKEN !== undefined)).to.have.length(1);
    // A refresh names the user by the token's `cognito:username` (not the email typed at sign-in).
    const { client: real, ids } = testEmulator();
    const username = (await real.send(new AdminGetUserCommand({ UserPoolId: ids.userPoolId, Username: email }))).Username as string;
    for (const c of named) {
      const parameters = c.input.AuthParameters as Record<string, string> | undefined;
      if (parameters?.REFRESH_TOKEN !== undefined) {
        // A refresh names the user by the username Cognito gave it (`cognito:username`), not the e-mail.
        expect(parameters.SECRET_HASH, 'a refresh').to.equal(expectedSecretHash(username));
      } else {
        expect(parameters?.SECRET_HASH ?? c.input.SecretHash, c.name).to.equal(expectedSecretHash(email));
      }
    }
  });

  it("answers a NEW_PASSWORD_REQUIRED challenge as the challenge's user with the SECRET_HASH (double records the calls: the emulator checks SECRET_HASH only for choice-based sign-in)", async () => {
    const { client: real, ids } = testEmulator();
    const email = newEmail('temporary');
    await real.send(
      new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: email, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
    );
    const { t, sent } = appWithDouble();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).headers.location).to.equal('/login/new-password');
    expect(
      (await submit(agent, '/login/new-password', '/login/new-password', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })).status,
    ).to.equal(303);
    const answer = sent.find((c) => c.name === 'AdminRespondToAuthChallengeCommand')!;
    const responses = answer.input.ChallengeResponses as Record<string, string>;
    expect(answer.input.ChallengeName).to.equal('NEW_PASSWORD_REQUIRED');
    expect(responses.USERNAME, 'the internal username, not the address').to.be.a('string').and.not.equal(email);
    expect(responses.SECRET_HASH).to.equal(expectedSecretHash(responses.USERNAME as string));
  });

  it('shows an unknown Cognito exception as a generic page and logs only its name (double)', async () => {
    const { t } = appWithDouble((c) => {
      if (c.name !== 'ForgotPasswordCommand') return undefined;
      const err = Object.assign(new Error('internal detail for someone@example.com'), {
        name: 'SomethingNewException',
        $metadata: { httpStatusCode: 400 },
      });
      return Promise.reject(err);
    });
    const res = await submit(t.agent(), '/password/forgot', '/password/forgot', { email: 'someone@example.com' });
    expect(res.status).to.equal(502);
    expect(res.text).to.contain('Cognito reported an unexpected problem');
    expect(res.text).to.not.contain('internal detail');
    expect(t.logs.join('')).to.contain('SomethingNewException');
    expect(t.logs.join('')).to.not.contain('internal detail');
    expect(t.logs.join('')).to.not.contain('someone@example.com');
  });
});
