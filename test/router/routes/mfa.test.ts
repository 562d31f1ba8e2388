import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { advanceEmulatorClock, resetEmulatorClock } from '../../../src/testing';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, newEmail, submit } from '../../helpers/forms';
import { secretOnPage, signInWithPassword, totpCodeFor, userWithTotp, withOptionalTotpPool, wrongTotpCodeFor } from '../../helpers/totp';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

/**
 * The package's state of every stored session, by session id: the router's one key (`cognito`, or
 * `cognito:<client>@<issuer>` where the key names the router's pool and client).
 */
async function storedSessions(t: TestApp): Promise<Record<string, Record<string, unknown>>> {
  const all = await new Promise<Record<string, Record<string, unknown>>>((resolve, reject) =>
    t.sessionStore.all!((err, sessions) => (err ? reject(err) : resolve((sessions ?? {}) as never))),
  );
  const stateOf = (data: Record<string, unknown>) =>
    (Object.entries(data).find(([key]) => key === 'cognito' || key.startsWith('cognito:'))?.[1] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(all).map(([sid, data]) => [sid, stateOf(data)]));
}

/** The session id in a `sid=s%3A<id>.<signature>` cookie pair. */
function sessionIdOf(sidPair: string | undefined): string {
  return decodeURIComponent(sidPair?.split('=')[1] ?? '')
    .replace(/^s:/, '')
    .split('.')[0] as string;
}

describe('two-step sign-in with an authenticator app (against cognito-local)', () => {
  withOptionalTotpPool();

  describe('set-up', () => {
    it('shows a QR code (data URL) and the key as text, switches on after a first code, and the profile then says on', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await signInWithPassword(agent, user, '/profile');
      const before = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
      expect(before.text).to.match(/data-field="mfa-status">Off</);
      expect(before.text).to.contain('href="/mfa/setup"');

      const intro = await agent.get('/mfa/setup').expect(200);
      expect(intro.text).to.not.contain('totp-qr');
      const start = await agent
        .post('/mfa/setup')
        .type('form')
        .send({ currentPassword: user.password, _csrf: csrfOf(intro.text) });
      expect(start.status).to.equal(303);
      expect(start.headers.location).to.equal('/mfa/setup');

      const page = await agent.get('/mfa/setup').set('Accept-Language', 'en').expect(200);
      const qr = /<img class="totp-qr" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(page.text)?.[1];
      expect(qr, 'a QR code as a data URL').to.be.a('string');
      expect(Buffer.from(qr as string, 'base64').toString('utf8')).to.match(/^<svg /);
      const secret = secretOnPage(page.text);
      expect(secret).to.match(/^[A-Z2-7]{16,}$/);
      expect(page.text).to.contain('autocomplete="one-time-code"');
      expect(page.text).to.contain('inputmode="numeric"');

      const wrong = await agent
        .post('/mfa/setup/confirm')
        .type('form')
        .send({ code: wrongTotpCodeFor(secret), _csrf: csrfOf(page.text) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('That code is not right');
      expect(secretOnPage(wrong.text), 'the same key again, to try another code').to.equal(secret);
      expect((await agent.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">Off</);

      const done = await agent
        .post('/mfa/setup/confirm')
        .type('form')
        .send({ code: totpCodeFor(secret), _csrf: csrfOf(page.text) });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal('/profile');
      const after = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
      expect(after.text).to.contain('Two-step sign-in is on.');
      expect(after.text).to.match(/data-field="mfa-status">On</);
      expect(after.text).to.contain('href="/mfa/disable"');
      const logs = t.logs.join('');
      expect(logs, 'the secret and the codes never reach the logs').to.not.contain(secret);
      expect(logs).to.not.contain(totpCodeFor(secret));
      // A second association would replace the working secret: the set-up page is closed while it is on.
      await agent.get('/mfa/setup').expect(303).expect('Location', '/profile');
    });

    it('refuses a code that is not six digits, keeping the key on the page', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await signInWithPassword(agent, user, '/profile');
      await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: user.password });
      const page = await agent.get('/mfa/setup').expect(200);
      for (const code of ['12345', 'abcdef', '1234567', '']) {
        const res = await agent
          .post('/mfa/setup/confirm')
          .set('Accept-Language', 'en')
          .type('form')
          .send({ code, _csrf: csrfOf(page.text) });
        expect(res.status, code).to.equal(400);
        expect(res.text).to.contain(code ? 'Enter the 6 digits from your authenticator app' : 'aria-invalid="true"');
        expect(secretOnPage(res.text)).to.equal(secretOnPage(page.text));
      }
      expect((await agent.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">Off</);
    });
  });

  describe('sign-in', () => {
    it('asks for the code after the password, keeping the challenge only in the server-side session, then signs in as a password-only sign-in does', async () => {
      const t = buildTestApp();
      const user = await userWithTotp(t);
      const agent = t.agent();
      await signInWithPassword(agent, user, '/login/mfa', '/login?returnTo=%2Fcomplete');
      const [waitingId, waiting] = Object.entries(await storedSessions(t)).find(([, data]) => data.mfaChallenge) ?? [];
      const challenge = waiting?.mfaChallenge as { session: string } | undefined;
      expect(challenge?.session, 'the Cognito challenge session, kept server-side').to.be.a('string');
      await agent.get('/profile').expect(303); // not signed in yet

      const page = await agent.get('/login/mfa').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('Enter your code');
      expect(page.text).to.contain('autocomplete="one-time-code"');
      expect(page.text).to.contain('inputmode="numeric"');
      expect(page.text, 'the challenge session never reaches the page').to.not.contain(challenge!.session);

      const wrong = await agent
        .post('/login/mfa')
        .type('form')
        .send({ code: wrongTotpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('That code is not right, or it was already used');
      expect(wrong.text).to.contain('action="/login/mfa"');

      const right = await agent
        .post('/login/mfa')
        .type('form')
        .send({ code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(right.status).to.equal(303);
      expect(right.headers.location).to.equal('/complete');
      expect(sessionIdOf(sidOf(right)), 'a new session id at sign-in').to.not.equal(waitingId);

      // The same session a password-only sign-in makes: same keys, same user shape, no challenge left.
      const sessions = await storedSessions(t);
      expect(sessions, 'the session that held the challenge is gone').to.not.have.property(waitingId as string);
      const signedIn = sessions[sessionIdOf(sidOf(right))]!;
      const plainAgent = t.agent();
      const plain = await signInWithPassword(plainAgent, await createConfirmedUser(), '/profile');
      const plainSession = (await storedSessions(t))[sessionIdOf(sidOf(plain))]!;
      expect(Object.keys(signedIn).sort()).to.deep.equal(Object.keys(plainSession).sort());
      const sessionUser = signedIn.user as Record<string, unknown>;
      expect(Object.keys(sessionUser).sort()).to.deep.equal(Object.keys(plainSession.user as object).sort());
      expect(sessionUser).to.include({ email: user.email, provider: 'password' });
      expect(signedIn).to.not.have.property('mfaChallenge');
      expect(t.logs.join(''), 'the challenge session never reaches the logs').to.not.contain(challenge!.session);
      expect((await agent.get('/complete').expect(200)).text).to.contain(user.email);
      await agent.get('/login/mfa').expect(303).expect('Location', '/login');
    });

    it('sends an expired challenge back to the sign-in page with its message, even with the right code', async () => {
      let now = Date.now();
      const t = buildTestApp({ clock: () => now });
      const user = await userWithTotp(t);
      const agent = t.agent();
      await signInWithPassword(agent, user, '/login/mfa');
      const page = await agent.get('/login/mfa').expect(200);
      now += 3 * 60 * 1000 + 1000;
      const late = await agent
        .post('/login/mfa')
        .type('form')
        .send({ code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(late.status).to.equal(303);
      expect(late.headers.location).to.equal('/login');
      expect((await agent.get('/login').set('Accept-Language', 'en').expect(200)).text).to.contain('The time to enter the code ran out');
      await agent.get('/login/mfa').expect(303).expect('Location', '/login');
      await agent.get('/profile').expect(303);
    });

    it('answers too many wrong codes for an address with the localized 429 page, then even the right code', async () => {
      const t = buildTestApp();
      const user = await userWithTotp(t);
      const agent = t.agent();
      await signInWithPassword(agent, user, '/login/mfa');
      const page = await agent.get('/login/mfa').expect(200);
      for (let i = 0; i < 5; i += 1) {
        const res = await agent
          .post('/login/mfa')
          .type('form')
          .send({ code: wrongTotpCodeFor(user.secret), _csrf: csrfOf(page.text) });
        expect(res.status, `wrong code ${i + 1}`).to.equal(400);
      }
      const blocked = await agent
        .post('/login/mfa')
        .set('Accept-Language', 'ja')
        .type('form')
        .send({ code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(blocked.status).to.equal(429);
      expect(blocked.headers['retry-after']).to.match(/^\d+$/);
      expect(blocked.text).to.contain('リクエストが多すぎます');
      await agent.get('/profile').expect(303);
    });

    it('has no code page without a password step first', async () => {
      const agent = buildTestApp().agent();
      await agent.get('/login/mfa').expect(303).expect('Location', '/login');
      const form = await agent.get('/login');
      await agent
        .post('/login/mfa')
        .type('form')
        .send({ code: '123456', _csrf: csrfOf(form.text) })
        .expect(303)
        .expect('Location', '/login');
    });
  });

  describe('switch-off', () => {
    it('needs the current password and a current code (the password alone is refused), and the next sign-in has no second step', async () => {
      const t = buildTestApp();
      const user = await userWithTotp(t);
      const agent = t.agent();
      await signInWithPassword(agent, user, '/login/mfa');
      await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) });

      const page = await agent.get('/mfa/disable').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('autocomplete="current-password"');
      expect(page.text, 'a code field beside the password').to.match(/name="code" type="text" autocomplete="one-time-code"/);
      const alone = await agent
        .post('/mfa/disable')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ currentPassword: user.password, _csrf: csrfOf(page.text) });
      expect(alone.status, 'the password alone').to.equal(400);
      expect(alone.text).to.match(/id="f-code"[^>]*aria-invalid="true"/);
      const wrong = await agent
        .post('/mfa/disable')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ currentPassword: 'Wr0ng-Password!', code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('The current password is not right');
      expect(wrong.text).to.not.contain('Wr0ng-Password!');
      const wrongCode = await agent
        .post('/mfa/disable')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ currentPassword: user.password, code: wrongTotpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(wrongCode.status).to.equal(400);
      expect(wrongCode.text).to.contain('That code is not right, or it was already used');
      expect((await agent.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">On</);

      const off = await agent
        .post('/mfa/disable')
        .type('form')
        .send({ currentPassword: user.password, code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(off.status).to.equal(303);
      expect(off.headers.location).to.equal('/profile');
      const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
      expect(profile.text).to.contain('Two-step sign-in is off.');
      expect(profile.text).to.match(/data-field="mfa-status">Off</);
      await agent.get('/mfa/disable').expect(303).expect('Location', '/profile');

      await submit(agent, '/profile', '/logout', {});
      await signInWithPassword(t.agent(), user, '/profile');
    });
  });

  it('refuses every two-step POST without a CSRF token (403)', async () => {
    const t = buildTestApp();
    const user = await userWithTotp(t);
    const agent = t.agent();
    await signInWithPassword(agent, user, '/login/mfa');
    await agent
      .post('/login/mfa')
      .type('form')
      .send({ code: totpCodeFor(user.secret) })
      .expect(403);
    await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) });
    for (const path of ['/mfa/setup', '/mfa/setup/confirm', '/mfa/disable']) {
      await agent
        .post(path)
        .type('form')
        .send({ code: totpCodeFor(user.secret), currentPassword: user.password })
        .expect(403);
    }
    expect((await agent.get('/profile').expect(200)).text, 'nothing changed').to.match(/data-field="mfa-status">On</);
  });

  it('answers a NEW_PASSWORD_REQUIRED challenge for a temporary password, now issued by the emulator itself', async () => {
    const { client, ids } = testEmulator();
    const email = newEmail('temporary');
    await client.send(
      new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: email, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
    );
    const agent = buildTestApp().agent();
    await signInWithPassword(agent, { email, password: TEST_PASSWORD }, '/login/new-password');
    const chosen = 'Ch0sen-Passw0rd!';
    const done = await submit(agent, '/login/new-password', '/login/new-password', { password: chosen, passwordConfirm: chosen });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/profile');
    expect((await agent.get('/profile').expect(200)).text).to.contain(email);
  });
});

describe('POST /login/mfa after Cognito let the challenge expire (against cognito-local)', () => {
  withOptionalTotpPool();

  it('sends a challenge past its 3 minutes on Cognito’s clock back to sign-in with the expired message, even with the right code', async () => {
    const { emulator } = testEmulator();
    const t = buildTestApp();
    const user = await userWithTotp(t);
    const agent = t.agent();
    await signInWithPassword(agent, user, '/login/mfa');
    const page = await agent.get('/login/mfa').expect(200);
    try {
      // Only Cognito's clock moves: the app's own 3-minute limit has not run out.
      await advanceEmulatorClock(emulator.url, 181);
      const late = await agent
        .post('/login/mfa')
        .type('form')
        .send({ code: totpCodeFor(user.secret), _csrf: csrfOf(page.text) });
      expect(late.status).to.equal(303);
      expect(late.headers.location).to.equal('/login');
    } finally {
      await resetEmulatorClock(emulator.url);
    }
    expect((await agent.get('/login').set('Accept-Language', 'en').expect(200)).text).to.contain('The time to enter the code ran out');
    await agent.get('/login/mfa').expect(303).expect('Location', '/login');
    await agent.get('/profile').expect(303);
  });
});
