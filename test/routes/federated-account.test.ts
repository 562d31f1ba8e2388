import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createClientDouble, type SentCommand } from '../helpers/client-double';
import { csrfOf, submit } from '../helpers/forms';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../helpers/test-issuer';
import { createConfirmedUser } from '../helpers/users';

const asGoogleUser = (valid: JWTPayload): JWTPayload => ({
  ...valid,
  'cognito:username': 'Google_113300',
  identities: [{ userId: '113300', providerName: 'Google', providerType: 'Google', issuer: null, primary: 'true', dateCreated: '1700000000000' }],
});

/** GetUser as Cognito answers it for the Google user: the issuer answers no API call. */
function answerGetUser(command: SentCommand): Promise<unknown> | undefined {
  if (command.name !== 'GetUserCommand') return undefined;
  return Promise.resolve({
    Username: 'Google_113300',
    UserAttributes: [
      { Name: 'sub', Value: 'hostile-sub' },
      { Name: 'email', Value: 'hostile@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
    UserMFASettingList: [],
  });
}

const NO_PASSWORD = 'Your account signs in through an identity provider (such as Google), so it has no password here';
const EMAIL_FROM_PROVIDER = 'Your email address comes from the identity provider you sign in with (such as Google): change it there.';

describe('a federated account on the password and e-mail pages (test issuer; double for GetUser)', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  let sent: SentCommand[];
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());
  beforeEach(() => {
    issuer.forge({ claims: asGoogleUser });
    const double = createClientDouble(issuer.client, answerGetUser);
    sent = double.sent;
    t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google' }, cognito: { settings: issuer.settings, client: double.client } });
  });

  /** None of these commands reached Cognito. */
  function expectNotSent(names: string[]): void {
    const seen = sent.map((c) => c.name);
    for (const name of names) expect(seen, name).to.not.include(name);
  }

  async function signedInGoogleUser() {
    const { agent, res } = await signInAtIssuer(t);
    expect(res.status, t.logs.join('')).to.equal(303);
    return agent;
  }

  it('shows "Google" on the profile and no password section (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('<dd data-field="provider">Google (through the Hosted UI)</dd>');
    expect(profile.text).to.not.contain('id="password-title"');
    expect(profile.text).to.not.contain('href="/password/change"');
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain('<dd data-field="provider">Google (Hosted UI 経由)</dd>');
  });

  it('sends the password change page and form to the profile with a clear message, and never asks Cognito (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/password/change').set('Accept-Language', 'en').expect(303).expect('Location', '/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(NO_PASSWORD);

    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    const post = await agent.post('/password/change').type('form').send({ _csrf: csrf, currentPassword: 'x', password: 'New-Passw0rd!', passwordConfirm: 'New-Passw0rd!' });
    expect(post.status).to.equal(303);
    expect(post.headers.location).to.equal('/profile');
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain('このアカウントは外部の ID プロバイダー (Google など) でサインインするため、ここにはパスワードがありません。');
    expectNotSent(['ChangePasswordCommand', 'DescribeUserPoolCommand']);
  });

  it('does the same on the forgotten-password and reset pages while signed in (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/password/forgot').expect(303).expect('Location', '/profile');
    await agent.get('/password/reset').expect(303).expect('Location', '/profile');
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    const reset = await agent.post('/password/reset').type('form').send({ _csrf: csrf, email: 'hostile@example.com', code: '123456', password: 'New-Passw0rd!', passwordConfirm: 'New-Passw0rd!' });
    expect(reset.status).to.equal(303);
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(NO_PASSWORD);
    expectNotSent(['ForgotPasswordCommand', 'ConfirmForgotPasswordCommand']);
  });

  it('sends the e-mail change form to the profile: the address comes from Google, and no password is checked (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/email/change').expect(303).expect('Location', '/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(EMAIL_FROM_PROVIDER);
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    const post = await agent.post('/email/change').type('form').send({ _csrf: csrf, email: 'new@example.com', currentPassword: 'x' });
    expect(post.status).to.equal(303);
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain('メールアドレスはサインインに使う ID プロバイダー (Google など) から届きます。');
    expectNotSent(['InitiateAuthCommand', 'UpdateUserAttributesCommand']);
  });

  it('sends the two-step set-up pages to the profile: the provider runs its own second step (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/mfa/setup').expect(303).expect('Location', '/profile');
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    await agent.post('/mfa/setup').type('form').send({ _csrf: csrf }).expect(303).expect('Location', '/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain('Two-step sign-in is set up with the identity provider');
    expectNotSent(['AssociateSoftwareTokenCommand']);
  });
});

describe('the pool’s own accounts beside identity providers (against cognito-local)', () => {
  it('keep their password section and change page', async () => {
    const user = await createConfirmedUser();
    const t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google' } });
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('href="/password/change"');
    expect(profile.text).to.contain('<dd data-field="provider">Email and password</dd>');
    await agent.get('/password/change').expect(200);
    await agent.get('/email/change').expect(200);
  });

  it('tell a signed-out visitor of the forgotten-password page that accounts of the providers have no password here', async () => {
    const t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google,SignInWithApple' } });
    const en = await t.agent().get('/password/forgot').set('Accept-Language', 'en').expect(200);
    expect(en.text).to.contain('Do you sign in with Google or Apple? Then your account has no password here');
    const ja = await t.agent().get('/password/forgot').set('Accept-Language', 'ja').expect(200);
    expect(ja.text).to.contain('GoogleまたはApple でサインインしていますか?');
    const without = await buildTestApp().agent().get('/password/forgot').expect(200);
    expect(without.text).to.not.contain('data-field="federated-hint"');
  });
});
