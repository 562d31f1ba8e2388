import { AdminCreateUserCommand, PasswordResetRequiredException, UserLambdaValidationException } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { en } from '../../../src/i18n/en';
import { ja } from '../../../src/i18n/ja';
import { buildTestApp, resolveCognitoSettings } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { newEmail, submit } from '../../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

/** What a pool trigger's own message says: never shown to the person. */
const TRIGGER_TEXT = 'Only addresses at example.org may sign up';

/** An app whose Cognito client is the double (everything else, including the verifier, is real). */
function appWithDouble(answer: (c: SentCommand) => Promise<unknown> | undefined) {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, answer);
  const env = { RATE_LIMIT_IP_PER_MINUTE: '1000', RATE_LIMIT_SIGNIN_FAILURES: '1000' };
  const base = buildTestApp({ env });
  const settings = resolveCognitoSettings(base.config, ids, emulator.url);
  return buildTestApp({ env, cognito: { settings, client: double.client } });
}

// cognito-local raises neither: it has no AdminResetUserPassword and answers InitiateAuth without
// looking at RESET_REQUIRED, and its triggers need a Lambda endpoint.
describe('Cognito exceptions the emulator cannot raise (double at the Cognito client boundary)', () => {
  it('leads a PasswordResetRequiredException at sign-in to the reset page, with a message and the email filled in (double)', async () => {
    const user = await createConfirmedUser();
    const t = appWithDouble((c) =>
      c.name === 'AdminInitiateAuthCommand' && c.input.AuthFlow === 'ADMIN_USER_PASSWORD_AUTH'
        ? Promise.reject(new PasswordResetRequiredException({ message: 'Password reset required for the user', $metadata: {} }))
        : undefined,
    );
    for (const [locale, catalogue] of [
      ['en', en],
      ['ja', ja],
    ] as const) {
      const agent = t.agent();
      await agent.get(`/?lang=${locale}`).expect(200);
      const login = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      expect(login.status).to.equal(303);
      expect(login.headers.location).to.equal('/password/reset');
      const reset = await agent.get('/password/reset').expect(200);
      expect(reset.text).to.contain(catalogue['notice.password_reset_required']);
      expect(reset.text).to.contain(`value="${user.email}"`);
      expect(reset.text).to.not.contain('Password reset required for the user');
      await agent.get('/profile').expect(303);
    }
  });

  it('shows a UserLambdaValidationException beside every form that can raise it, localized, keeping what was typed (double)', async () => {
    const user = await createConfirmedUser();
    // An administrator's invitation with a temporary password: cognito-local itself asks for a new one.
    const { client, ids } = testEmulator();
    const invited = newEmail('invited');
    await client.send(
      new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: invited, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
    );
    let failing = '';
    const t = appWithDouble((c) => {
      if (c.name !== failing) return undefined;
      return Promise.reject(new UserLambdaValidationException({ message: `PreSignUp failed with error ${TRIGGER_TEXT}.`, $metadata: {} }));
    });
    const agent = t.agent();
    await agent.get('/?lang=ja').expect(200);
    const email = 'typed-by-person@example.com';
    const forms: Array<[command: string, page: string, action: string, fields: Record<string, string>]> = [
      ['SignUpCommand', '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD }],
      ['ConfirmSignUpCommand', '/signup/confirm', '/signup/confirm', { email, code: '123456' }],
      ['ResendConfirmationCodeCommand', '/signup/confirm', '/signup/resend', { email }],
      ['AdminInitiateAuthCommand', '/login', '/login', { email, password: TEST_PASSWORD }],
      ['ForgotPasswordCommand', '/password/forgot', '/password/forgot', { email }],
      [
        'ConfirmForgotPasswordCommand',
        '/password/reset',
        '/password/reset',
        { email, code: '123456', password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD },
      ],
    ];
    for (const [command, page, action, fields] of forms) {
      failing = command;
      const res = await submit(agent, page, action, fields);
      expect(res.status, action).to.equal(400);
      expect(res.text, action).to.contain(ja['error.trigger_refused']);
      expect(res.text, action).to.contain(`value="${email}"`);
      expect(res.text, action).to.not.contain(TRIGGER_TEXT);
    }

    // The new-password challenge (its answer is what a pre-token or migration trigger can refuse).
    failing = 'AdminRespondToAuthChallengeCommand';
    expect((await submit(agent, '/login', '/login', { email: invited, password: TEST_PASSWORD })).headers.location).to.equal('/login/new-password');
    const newPassword = await submit(agent, '/login/new-password', '/login/new-password', {
      password: 'N3w-Passw0rd!x',
      passwordConfirm: 'N3w-Passw0rd!x',
    });
    expect(newPassword.status).to.equal(400);
    expect(newPassword.text).to.contain(ja['error.trigger_refused']);

    // The profile form (UpdateUserAttributes runs the custom-message trigger).
    failing = '';
    expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
    failing = 'UpdateUserAttributesCommand';
    const profile = await submit(agent, '/profile', '/profile', { name: 'Typed Name' });
    expect(profile.status).to.equal(400);
    expect(profile.text).to.contain(ja['error.trigger_refused']);
    expect(profile.text).to.contain('value="Typed Name"');
    expect(profile.text).to.not.contain(TRIGGER_TEXT);
  });
});
