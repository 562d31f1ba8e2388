import { AdminDeleteUserCommand, AdminGetUserCommand, GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../../helpers/app';
import { createClientDouble } from '../../helpers/client-double';
import { sidOf } from '../../helpers/cookies';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, newEmail, submit } from '../../helpers/forms';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { switchOnTotp, totpCodeFor, withOptionalTotpPool, wrongTotpCodeFor } from '../../helpers/totp';
import { createConfirmedUser } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;
type User = { email: string; password: string; secret: string };

/** Whether cognito-local still accepts a refresh token (REFRESH_TOKEN_AUTH straight at the emulator). */
async function refreshAccepted(refreshToken: string): Promise<boolean> {
  const { client, ids } = testEmulator();
  return client
    .send(new InitiateAuthCommand({ ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }))
    .then(
      () => true,
      () => false,
    );
}

/** Whether the account still exists in the emulator. */
async function accountExists(email: string): Promise<boolean> {
  const { client, ids } = testEmulator();
  return client.send(new AdminGetUserCommand({ UserPoolId: ids.userPoolId, Username: email })).then(
    () => true,
    () => false,
  );
}

/** A browser signed in (password and code) as a new user who has switched TOTP on; with its session id. */
async function signedInWithTotp(t: TestApp): Promise<{ user: User; agent: Agent; sid: string }> {
  const base = await createConfirmedUser();
  const setup = t.agent();
  expect((await submit(setup, '/login', '/login', base)).status).to.equal(303);
  const secret = await switchOnTotp(setup, base.password);
  const agent = t.agent();
  expect((await submit(agent, '/login', '/login', base)).headers.location).to.equal('/login/mfa');
  const done = await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) });
  expect(done.headers.location).to.equal('/profile');
  return { user: { ...base, secret }, agent, sid: sessionIdOf(sidOf(done)!) };
}

/** Each sensitive change: its page, its form fields besides the step-up, and how to tell it happened. */
const CHANGES: Array<{
  page: string;
  action: string;
  fields: (user: User) => Record<string, string>;
  happened: (user: User, agent: Agent) => Promise<boolean>;
}> = [
  {
    page: '/mfa/disable',
    action: '/mfa/disable',
    fields: () => ({}),
    happened: async (_user, agent) => /data-field="mfa-status">Off</.test((await agent.get('/profile').expect(200)).text),
  },
  {
    page: '/email/change',
    action: '/email/change',
    fields: () => ({ email: newEmail('step-up') }),
    happened: async (_user, agent) => /waiting for the code/.test((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text),
  },
  {
    page: '/profile',
    action: '/profile/delete',
    fields: (user) => ({ confirmEmail: user.email }),
    happened: async (user) => !(await accountExists(user.email)),
  },
];

describe('re-authentication before sensitive changes (against cognito-local)', () => {
  withOptionalTotpPool();

  for (const change of CHANGES) {
    describe(`POST ${change.action}, two-step sign-in on`, () => {
      it('shows the password and code fields, and refuses the password alone: nothing changes', async () => {
        const t = buildTestApp();
        const { user, agent } = await signedInWithTotp(t);
        const page = await agent.get(change.page).set('Accept-Language', 'en').expect(200);
        expect(page.text).to.contain('enter your current password and the code from your authenticator app');
        expect(page.text).to.match(/name="currentPassword" type="password" autocomplete="current-password"/);
        expect(page.text).to.match(/name="code" type="text" autocomplete="one-time-code"/);
        const alone = await agent
          .post(change.action)
          .type('form')
          .send({ ...change.fields(user), currentPassword: user.password, _csrf: csrfOf(page.text) });
        expect(alone.status).to.equal(400);
        expect(alone.text).to.match(/id="f-code"[^>]*aria-invalid="true"/);
        expect(await change.happened(user, agent)).to.equal(false);
      });

      it('refuses a wrong code, and the right password and code make the change', async () => {
        const t = buildTestApp();
        const { user, agent } = await signedInWithTotp(t);
        const csrf = csrfOf((await agent.get(change.page).expect(200)).text);
        const wrong = await agent
          .post(change.action)
          .set('Accept-Language', 'en')
          .type('form')
          .send({ ...change.fields(user), currentPassword: user.password, code: wrongTotpCodeFor(user.secret), _csrf: csrf });
        expect(wrong.status).to.equal(400);
        expect(wrong.text).to.contain('That code is not right, or it was already used');
        expect(await change.happened(user, agent)).to.equal(false);
        const right = await agent
          .post(change.action)
          .type('form')
          .send({ ...change.fields(user), currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrf });
        expect(right.status).to.equal(303);
        expect(await change.happened(user, agent)).to.equal(true);
        expect(t.logs.join(''), 'neither the password nor the code reaches the log')
          .to.not.contain(user.password)
          .and.not.contain(totpCodeFor(user.secret));
      });
    });
  }

  it('counts wrong codes per account together with the sign-in code step (RATE_LIMIT_MFA_FAILURES_PER_EMAIL): then even the right code is 429', async () => {
    const t = buildTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_MFA_FAILURES_PER_EMAIL: '3', RATE_LIMIT_SIGNIN_FAILURES: '100' } });
    const { user, agent } = await signedInWithTotp(t);
    const csrf = csrfOf((await agent.get('/mfa/disable').expect(200)).text);
    for (let i = 0; i < 3; i += 1) {
      agent.set('X-Forwarded-For', `203.0.113.${i + 1}`);
      const wrong = await agent
        .post('/mfa/disable')
        .type('form')
        .send({ currentPassword: user.password, code: wrongTotpCodeFor(user.secret), _csrf: csrf });
      expect(wrong.status, `wrong code ${i + 1}`).to.equal(400);
    }
    agent.set('X-Forwarded-For', '198.51.100.9');
    const blocked = await agent
      .post('/mfa/disable')
      .type('form')
      .send({ currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrf });
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
    expect((await agent.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">On</);
    // The sign-in's code step shares the count: the same account cannot go on guessing there.
    const other = t.agent().set('X-Forwarded-For', '198.51.100.10');
    expect((await submit(other, '/login', '/login', user)).headers.location).to.equal('/login/mfa');
    expect((await submit(other, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) })).status).to.equal(429);
  });

  it('counts a wrong current password as a failed sign-in for the address and IP', async () => {
    const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '1000' } });
    const { user, agent } = await signedInWithTotp(t);
    const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
    for (let i = 0; i < 5; i += 1) {
      const wrong = await agent
        .post('/profile/delete')
        .type('form')
        .send({ confirmEmail: user.email, currentPassword: 'Wr0ng-Passw0rd!', code: totpCodeFor(user.secret), _csrf: csrf });
      expect(wrong.status, `wrong password ${i + 1}`).to.equal(400);
    }
    const blocked = await agent
      .post('/profile/delete')
      .type('form')
      .send({ confirmEmail: user.email, currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrf });
    expect(blocked.status).to.equal(429);
    expect(await accountExists(user.email)).to.equal(true);
  });

  it('keeps the fresh tokens in the session: the session id changes, the sign-in’s lifetime is kept, and the session keeps working', async () => {
    const store = new session.MemoryStore();
    const t = buildTestApp({ sessionStore: store });
    const { user, agent, sid } = await signedInWithTotp(t);
    const before = (await storedSession(store, sid))!.cognito!;
    const off = await submit(agent, '/mfa/disable', '/mfa/disable', { currentPassword: user.password, code: totpCodeFor(user.secret) });
    expect(off.status).to.equal(303);
    const newSid = sessionIdOf(sidOf(off)!);
    expect(newSid, 'a new session id after the re-authentication').to.not.equal(sid);
    expect(await storedSession(store, sid)).to.equal(null);
    const after = (await storedSession(store, newSid))!.cognito!;
    expect(after.tokens!.refreshToken).to.be.a('string').and.not.equal(before.tokens!.refreshToken);
    expect(after.tokens!.accessToken).to.not.equal(before.tokens!.accessToken);
    expect(after.createdAt, 'the absolute lifetime still counts from the sign-in').to.equal(before.createdAt);
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain('Two-step sign-in is off.');
    // cognito-local never stores a refresh token it issues after a challenge (docs/emulator.md), so the
    // revocation of the old one and a refresh with the fresh one are proved below, without a code.
  });

  it('revokes the old refresh token and refreshes with the fresh one after a re-authentication (password only: cognito-local keeps those refresh tokens)', async () => {
    let offset = 0;
    const store = new session.MemoryStore();
    const t = buildTestApp({ sessionStore: store, clock: () => Date.now() + offset });
    const user = await createConfirmedUser();
    const agent = t.agent();
    const sid = sessionIdOf(sidOf(await submit(agent, '/login', '/login', user))!);
    const old = (await storedSession(store, sid))!.cognito!.tokens!.refreshToken!;
    const start = await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: user.password });
    expect(start.status).to.equal(303);
    const newSid = sessionIdOf(sidOf(start)!);
    const fresh = (await storedSession(store, newSid))!.cognito!.tokens!;
    expect(await refreshAccepted(old), 'the old refresh token').to.equal(false);
    expect(await refreshAccepted(fresh.refreshToken!), 'the fresh refresh token').to.equal(true);
    offset = 59.5 * 60_000; // the access token is about to expire: the next page refreshes it
    expect((await agent.get('/mfa/setup').expect(200)).text, 'the pending key is still there').to.contain('data-totp-secret');
    expect((await storedSession(store, newSid))!.cognito!.tokens!.accessToken, 'refreshed').to.not.equal(fresh.accessToken);
  });

  it('asks an account without two-step sign-in for its password only, and takes it alone', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', user);
    const page = await agent.get('/email/change').set('Accept-Language', 'en').expect(200);
    expect(page.text).to.contain('Confirm it is you: enter your current password.');
    expect(page.text).to.not.match(/name="code"/);
    const res = await agent
      .post('/email/change')
      .type('form')
      .send({ email: newEmail('no-totp'), currentPassword: user.password, _csrf: csrfOf(page.text) });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/email/verify');
  });

  it('asks for the code when Cognito does, though GetUser said two-step sign-in was off (double: GetUser answers without it, as just before a switch-on elsewhere)', async () => {
    const { client: real, emulator, ids } = testEmulator();
    const plain = buildTestApp();
    const { user, agent: setup } = await signedInWithTotp(plain);
    await submit(setup, '/profile', '/logout', {});
    const double = createClientDouble(real, (c) =>
      c.name === 'GetUserCommand' ? real.send(new GetUserCommand(c.input as never)).then((out) => ({ ...out, UserMFASettingList: [] })) : undefined,
    );
    const t = buildTestApp({ cognito: { settings: resolveCognitoSettings(plain.config, ids, emulator.url), client: double.client } });
    const agent = t.agent();
    await submit(agent, '/login', '/login', user);
    await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) });
    const page = await agent.get('/email/change').expect(200);
    expect(page.text, 'the page thinks TOTP is off').to.not.match(/name="code"/);
    const next = newEmail('switched-on');
    const alone = await agent
      .post('/email/change')
      .type('form')
      .send({ email: next, currentPassword: user.password, _csrf: csrfOf(page.text) });
    expect(alone.status).to.equal(400);
    expect(alone.text, 'the code field, now that Cognito asked').to.match(/name="code" type="text" autocomplete="one-time-code"/);
    expect(alone.text).to.contain(`value="${next}"`);
    expect(double.sent.filter((c) => c.name === 'UpdateUserAttributesCommand')).to.have.length(0);
  });

  it('shows a challenge Cognito refuses outright (NotAuthorized) as a code not taken while the account lives, and ends the session once it is gone (double)', async () => {
    const { client: real, emulator, ids } = testEmulator();
    let refuse = false;
    let deleteFirst = '';
    const notAuthorized = () =>
      Promise.reject(Object.assign(new Error('Invalid session'), { name: 'NotAuthorizedException', $metadata: { httpStatusCode: 400 } }));
    const double = createClientDouble(real, (c) => {
      if (!refuse || !/^(Admin)?RespondToAuthChallengeCommand$/.test(c.name)) return undefined;
      // Deleted as the challenge is answered: only the probe afterwards can tell.
      if (deleteFirst) return real.send(new AdminDeleteUserCommand({ UserPoolId: ids.userPoolId, Username: deleteFirst })).then(notAuthorized);
      return notAuthorized();
    });
    const t = buildTestApp({ cognito: { settings: resolveCognitoSettings(buildTestApp().config, ids, emulator.url), client: double.client } });
    const { user, agent } = await signedInWithTotp(t);
    refuse = true;
    const csrf = csrfOf((await agent.get('/mfa/disable').expect(200)).text);
    const refused = await agent
      .post('/mfa/disable')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrf });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('That code is not right, or it was already used');
    deleteFirst = user.email;
    const gone = await agent
      .post('/mfa/disable')
      .type('form')
      .send({ currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrf });
    expect(gone.status).to.equal(303);
    expect(gone.headers.location).to.match(/^\/login\?returnTo=.*notice=session_expired$/);
  });

  it('shows the step-up on every page in Japanese and English, with no untranslated keys', async () => {
    const t = buildTestApp();
    const { agent } = await signedInWithTotp(t);
    for (const [locale, sample] of [
      ['ja', 'ご本人確認のため'],
      ['en', 'Confirm it is you'],
    ] as const) {
      for (const path of ['/mfa/disable', '/email/change', '/profile']) {
        const html = (await agent.get(path).set('Accept-Language', locale).expect(200)).text;
        expect(html, path).to.contain(sample);
        expect(html.replace(/<[^>]+>/g, ' '), path).to.not.match(/\b(stepUp|mfa|error|field)\.[a-zA-Z_.]+\b/);
      }
    }
  });
});
