import { createHmac } from 'node:crypto';
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildTestApp, resolveCognitoSettings } from '../helpers/app';
import { createClientDouble, type SentCommand } from '../helpers/client-double';
import { testEmulator } from '../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../helpers/users';

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
  return createHmac('sha256', ids.clientSecret as string).update(username + ids.clientId).digest('base64');
}

describe('custom pages where cognito-local cannot answer (double at the Cognito client boundary)', () => {
  it('sends a correct SECRET_HASH on every call that names a user, the token refresh included (double: cognito-local ignores it)', async () => {
    let offset = 0;
    const { t, sent } = appWithDouble((c) => (c.name === 'ResendConfirmationCodeCommand' ? Promise.resolve({}) : undefined), () => Date.now() + offset);
    const agent = t.agent();
    const email = newEmail('hash');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    await submit(agent, '/signup/confirm', '/signup/resend', { email });
    await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: codeFromEmulator(email) });
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
    offset = 59.5 * 60_000; // the access token is about to expire: the next page refreshes it
    await agent.get('/complete').expect(200);
    await submit(t.agent(), '/password/forgot', '/password/forgot', { email });
    await submit(t.agent(), '/password/reset', '/password/reset', { email, code: codeFromEmulator(email), password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });

    const named = sent.filter((c) =>
      ['SignUpCommand', 'ResendConfirmationCodeCommand', 'ConfirmSignUpCommand', 'InitiateAuthCommand', 'ForgotPasswordCommand', 'ConfirmForgotPasswordCommand'].includes(c.name),
    );
    expect(named.map((c) => c.name)).to.have.members([
      'SignUpCommand',
      'ResendConfirmationCodeCommand',
      'ConfirmSignUpCommand',
      'InitiateAuthCommand', // the sign-in (USER_PASSWORD_AUTH)
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

  it('resends the confirmation code where Cognito supports it (double)', async () => {
    const { t, sent } = appWithDouble((c) => (c.name === 'ResendConfirmationCodeCommand' ? Promise.resolve({}) : undefined));
    const res = await submit(t.agent(), '/signup/confirm', '/signup/resend', { email: 'someone@example.com' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('A new code is on its way');
    expect(sent.some((c) => c.name === 'ResendConfirmationCodeCommand')).to.equal(true);
  });

  it('leads a NEW_PASSWORD_REQUIRED challenge to the new-password page, then signs in (double)', async () => {
    const user = await createConfirmedUser();
    const { client: real, ids } = testEmulator();
    let challenged = false;
    const { t, sent } = appWithDouble((c) => {
      if (c.name === 'InitiateAuthCommand' && !challenged) {
        challenged = true;
        return Promise.resolve({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'challenge-session-1', ChallengeParameters: {} });
      }
      if (c.name === 'RespondToAuthChallengeCommand') {
        // What Cognito would do: set the new password and answer with tokens (real ones, from the emulator).
        const responses = c.input.ChallengeResponses as Record<string, string>;
        return (async () => {
          await real.send(new AdminSetUserPasswordCommand({ UserPoolId: ids.userPoolId, Username: responses.USERNAME, Password: responses.NEW_PASSWORD, Permanent: true }));
          return real.send(new AdminInitiateAuthCommand({
            UserPoolId: ids.userPoolId,
            ClientId: ids.clientId,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: responses.USERNAME as string, PASSWORD: responses.NEW_PASSWORD as string },
          }));
        })();
      }
      return undefined;
    });
    const agent = t.agent();
    const login = await submit(agent, '/login?returnTo=%2Fcomplete', '/login?returnTo=%2Fcomplete', { email: user.email, password: user.password });
    expect(login.status).to.equal(303);
    expect(login.headers.location).to.equal('/login/new-password');

    const weak = await submit(agent, '/login/new-password', '/login/new-password', { password: 'weak', passwordConfirm: 'weak' });
    expect(weak.status).to.equal(400);
    expect(sent.some((c) => c.name === 'RespondToAuthChallengeCommand'), 'refused before calling Cognito').to.equal(false);

    const done = await submit(agent, '/login/new-password', '/login/new-password', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/complete');
    const answer = sent.find((c) => c.name === 'RespondToAuthChallengeCommand')!;
    expect(answer.input.Session).to.equal('challenge-session-1');
    expect((answer.input.ChallengeResponses as Record<string, string>).SECRET_HASH).to.equal(expectedSecretHash(user.email));
    expect((await agent.get('/complete').expect(200)).text).to.contain(user.email);
    await agent.get('/login/new-password').expect(303).expect('Location', '/login');
  });

  it('signs out this device only: revokes its own refresh token and never signs out globally, even where Cognito could (double)', async () => {
    const user = await createConfirmedUser();
    const { t, sent } = appWithDouble((c) => (c.name === 'GlobalSignOutCommand' ? Promise.resolve({}) : undefined));
    const agent = t.agent();
    const other = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    await submit(other, '/login', '/login', { email: user.email, password: user.password });
    const out = await submit(agent, '/profile', '/logout', {});
    expect(out.status).to.equal(303);
    expect(sent.some((c) => c.name === 'GlobalSignOutCommand' || c.name === 'AdminUserGlobalSignOutCommand')).to.equal(false);
    expect(sent.filter((c) => c.name === 'RevokeTokenCommand')).to.have.length(1);
    await agent.get('/profile').expect(303);
    await other.get('/profile').expect(200);
  });

  it('shows an unknown Cognito exception as a generic page and logs only its name (double)', async () => {
    const { t } = appWithDouble((c) => {
      if (c.name !== 'ForgotPasswordCommand') return undefined;
      const err = Object.assign(new Error('internal detail for someone@example.com'), { name: 'SomethingNewException', $metadata: { httpStatusCode: 400 } });
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
