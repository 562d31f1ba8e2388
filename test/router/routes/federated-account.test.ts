import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { csrfOf, submit } from '../../helpers/forms';
import { answerGetUserAs, asGoogleUser } from '../../helpers/federated';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../../helpers/test-issuer';
import { createConfirmedUser } from '../../helpers/users';

/** GetUser as Cognito answers it for the Google user. */
const answerGetUser = answerGetUserAs({ sub: 'hostile-sub', email: 'hostile@example.com', email_verified: 'true' });

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
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain('<dd data-field="provider">Google（Hosted UI 経由）</dd>');
  });

  it('sends the password change page and form to the profile with a clear message, and never asks Cognito (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/password/change').set('Accept-Language', 'en').expect(303).expect('Location', '/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(NO_PASSWORD);

    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    const post = await agent
      .post('/password/change')
      .type('form')
      .send({ _csrf: csrf, currentPassword: 'x', password: 'New-Passw0rd!', passwordConfirm: 'New-Passw0rd!' });
    expect(post.status).to.equal(303);
    expect(post.headers.location).to.equal('/profile');
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain(
      'このアカウントは外部の ID プロバイダー（Google など）でサインインするため、ここにはパスワードがありません。',
    );
    expectNotSent(['ChangePasswordCommand', 'DescribeUserPoolCommand']);
  });

  it('does the same on the forgotten-password and reset pages while signed in (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/password/forgot').expect(303).expect('Location', '/profile');
    await agent.get('/password/reset').expect(303).expect('Location', '/profile');
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    const reset = await agent
      .post('/password/reset')
      .type('form')
      .send({ _csrf: csrf, email: 'hostile@example.com', code: '123456', password: 'New-Passw0rd!', passwordConfirm: 'New-Passw0rd!' });
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
    expect((await agent.get('/profile?lang=ja').expect(200)).text).to.contain(
      'メールアドレスは、サインインに使う ID プロバイダー（Google など）から提供されます。',
    );
    expectNotSent(['InitiateAuthCommand', 'UpdateUserAttributesCommand']);
  });

  it('sends the two-step set-up pages to the profile: the provider runs its own second step (double: GetUser)', async () => {
    const agent = await signedInGoogleUser();
    await agent.get('/mfa/setup').expect(303).expect('Location', '/profile');
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    await agent.post('/mfa/setup').type('form').send({ _csrf: csrf }).expect(303).expect('Location', '/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(
      'Two-step sign-in is set up with the identity provider',
    );
    expectNotSent(['AssociateSoftwareTokenCommand']);
  });
});

describe('deleting a federated account: a recent sign-in through its provider stands in for the password (test issuer; double for GetUser and DeleteUser)', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());

  /** The app at a clock the test moves, with Google offered; GetUser and DeleteUser answered by the double. */
  function appAt(clock: () => number) {
    issuer.forge({ claims: asGoogleUser });
    const double = createClientDouble(issuer.client, (c) => answerGetUser(c) ?? (c.name === 'DeleteUserCommand' ? Promise.resolve({}) : undefined));
    const t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google' }, cognito: { settings: issuer.settings, client: double.client }, clock });
    return { t, sent: double.sent };
  }

  /** A sign-in at the issuer in this browser, through `loginPath`; the callback's response. */
  async function signInAgain(agent: ReturnType<TestApp['agent']>, loginPath: string) {
    const login = await agent.get(loginPath).expect(302);
    const authorize = await fetch(login.headers.location as string, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location') as string);
    return agent.get(callback.pathname + callback.search);
  }

  it('deletes right after the sign-in: nothing to type but the address (double: GetUser, DeleteUser)', async () => {
    const { t, sent } = appAt(Date.now);
    const { agent, res } = await signInAtIssuer(t, {}, '/login/hosted?provider=Google');
    expect(res.status).to.equal(303);
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('data-step-up="recent"');
    expect(profile.text).to.contain('You signed in with Google a moment ago');
    expect(profile.text).to.not.contain('name="currentPassword"');
    const del = await agent
      .post('/profile/delete')
      .type('form')
      .send({ confirmEmail: 'hostile@example.com', _csrf: csrfOf(profile.text) });
    expect(del.status).to.equal(303);
    expect(del.headers.location).to.equal('/?notice=account_deleted');
    expect(sent.filter((c) => c.name === 'DeleteUserCommand')).to.have.length(1);
    expect(
      sent.map((c) => c.name),
      'no password check for an account without one',
    ).to.not.include('InitiateAuthCommand');
  });

  it('refuses the delete 5 minutes after the sign-in, offering a fresh sign-in through the Hosted UI that comes back to the profile; after it, the delete goes through (double: GetUser, DeleteUser)', async () => {
    const { t, sent } = appAt(Date.now);
    // A sign-in that happened a little over 5 minutes ago.
    issuer.forge({ claims: (valid) => ({ ...asGoogleUser(valid), auth_time: (valid.auth_time as number) - 5 * 60 - 1 }) });
    const { agent, res } = await signInAtIssuer(t, {}, '/login/hosted?provider=Google');
    expect(res.status).to.equal(303);
    issuer.forge({ claims: asGoogleUser });
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('data-step-up="provider"');
    expect(profile.text).to.contain('This change needs a recent sign-in: sign in with Google again first');
    const href = /<a class="step-up-link" href="([^"]+)"/.exec(profile.text)?.[1]?.replace(/&amp;/g, '&');
    expect(href, 'the fresh sign-in link').to.be.a('string');
    const link = new URL(href as string, 'http://app.localhost');
    expect(link.pathname).to.equal('/login/hosted');
    expect(link.searchParams.get('provider'), 'straight to Google, which the router offers').to.equal('Google');
    expect(link.searchParams.get('returnTo')).to.equal('/profile');

    const late = await agent
      .post('/profile/delete')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ confirmEmail: 'hostile@example.com', _csrf: csrfOf(profile.text) });
    expect(late.status).to.equal(403);
    expect(late.text).to.contain('This change needs a recent sign-in. Sign in again first, then try again.');
    expect(late.text).to.contain('value="hostile@example.com"');
    expect(sent.map((c) => c.name)).to.not.include('DeleteUserCommand');

    const again = await signInAgain(agent, href as string);
    expect(again.status).to.equal(303);
    expect(again.headers.location, 'back to the page that asked').to.equal('/profile');
    const fresh = await agent.get('/profile').expect(200);
    expect(fresh.text).to.contain('data-step-up="recent"');
    const del = await agent
      .post('/profile/delete')
      .type('form')
      .send({ confirmEmail: 'hostile@example.com', _csrf: csrfOf(fresh.text) });
    expect(del.status).to.equal(303);
    expect(sent.filter((c) => c.name === 'DeleteUserCommand')).to.have.length(1);
  });

  it('does not count a token refresh as a fresh sign-in, even from an issuer that renews auth_time (double: GetUser)', async () => {
    let offset = 0;
    const { t } = appAt(() => Date.now() + offset);
    const { agent, res } = await signInAtIssuer(t, {}, '/login/hosted?provider=Google');
    expect(res.status).to.equal(303);
    // An hour later the access token is due: the next page refreshes, and this issuer stamps auth_time anew.
    offset = 61 * 60 * 1000;
    issuer.forge({ claims: (valid) => ({ ...asGoogleUser(valid), auth_time: Math.floor((Date.now() + offset) / 1000) }) });
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('data-step-up="provider"');
    expect(profile.text).to.not.contain('data-step-up="recent"');
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
    expect(ja.text).to.contain('GoogleまたはApple でサインインしていますか？');
    const without = await buildTestApp().agent().get('/password/forgot').expect(200);
    expect(without.text).to.not.contain('data-field="federated-hint"');
  });
});
