import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import type { PoolIds } from '../../../src/cognito/settings';
import { buildTestApp, resolveCognitoSettings } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { appOn, attributeCodeFor, createPool, createUserIn, profileOf, signIn, signInStatus } from '../../helpers/email-pools';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, newEmail, submit } from '../../helpers/forms';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { TEST_PASSWORD } from '../../helpers/users';

const wrongCodeFor = (code: string) => (code === '000000' ? '111111' : '000000');

describe('e-mail verification and change (against cognito-local)', () => {
  let keepPool: PoolIds;
  before(async () => {
    keepPool = await createPool(true);
  });

  describe('verification', () => {
    it('explains on the emulator why a just-confirmed address is not verified, and offers to verify it', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const profile = await profileOf(await signIn(t, user.email));
      expect(profile.verified).to.equal('Not verified');
      expect(profile.text).to.contain('does not mark the address as verified when a sign-up is confirmed');
      expect(profile.text).to.contain('action="/email/verify/send"');
      const ja = await (await signIn(t, user.email)).get('/profile').set('Accept-Language', 'ja').expect(200);
      expect(ja.text).to.contain('アカウント作成を確認してもメールアドレスが確認済みになりません');
    });

    it('sends a code, takes it on the code page, and the profile then says verified', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      const send = await submit(agent, '/profile', '/email/verify/send', {});
      expect(send.status).to.equal(303);
      expect(send.headers.location).to.equal('/email/verify');
      const page = await agent.get('/email/verify').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain(`Enter the code we emailed to ${user.email}.`);
      expect(page.text).to.contain('We emailed you a code.');
      const done = await agent
        .post('/email/verify')
        .type('form')
        .send({ code: attributeCodeFor(keepPool, user.email), _csrf: csrfOf(page.text) });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal('/profile');
      const profile = await profileOf(agent);
      expect(profile.verified).to.equal('Verified');
      expect(profile.text).to.contain('Your email address is verified.');
      expect(profile.text).to.not.contain('action="/email/verify/send"');
    });

    it('refuses a wrong code on the code page, and the address stays unverified', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      await submit(agent, '/profile', '/email/verify/send', {});
      const wrong = wrongCodeFor(attributeCodeFor(keepPool, user.email));
      const res = await submit(agent, '/email/verify', '/email/verify', { code: wrong });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('That code is not right');
      expect(res.text).to.not.contain(`value="${wrong}"`);
      expect((await profileOf(agent)).verified).to.equal('Not verified');
    });

    it('refuses a code that was already used', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      await submit(agent, '/profile', '/email/verify/send', {});
      const code = attributeCodeFor(keepPool, user.email);
      expect((await submit(agent, '/email/verify', '/email/verify', { code })).status).to.equal(303);
      const again = await submit(agent, '/email/verify', '/email/verify', { code });
      expect(again.status).to.equal(400);
      expect(again.text).to.contain('That code is not right');
    });

    it('shows the verification code in the offline mailbox', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      await submit(agent, '/profile', '/email/verify/send', {});
      const mailbox = await t.agent().get('/dev/mailbox').set('Accept-Language', 'en').expect(200);
      const row = new RegExp(`<tr data-email="${user.email}" data-kind="attribute">[\\s\\S]*?</tr>`).exec(mailbox.text)?.[0];
      expect(row, 'a mailbox row for the address').to.be.a('string');
      expect(row).to.contain(attributeCodeFor(keepPool, user.email));
      expect(row).to.contain('Verifying the email address');
    });
  });

  describe('change, where the pool keeps the original address until the new one is verified', () => {
    it('keeps the old address until the code, then shows and signs in with only the new one', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const next = newEmail('changed');
      const agent = t.agent();
      const before = sidOf(await submit(agent, '/login', '/login', { email: user.email, password: TEST_PASSWORD }));
      expect(before, 'the sign-in sets a session cookie').to.be.a('string');
      const change = await submit(agent, '/email/change', '/email/change', { email: next, currentPassword: TEST_PASSWORD });
      expect(change.status).to.equal(303);
      expect(change.headers.location).to.equal('/email/verify');
      const page = await agent.get('/email/verify').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain(`Enter the code we emailed to ${next}.`);
      expect(page.text).to.contain(`your email and sign-in address stays ${user.email}`);

      const pending = await profileOf(agent);
      expect(pending.email).to.equal(user.email);
      expect(pending.header).to.equal(user.email);
      expect(pending.text).to.contain(`The change to ${next} is waiting for the code`);
      expect(await signInStatus(t, user.email), 'the old address signs in until verification').to.equal(303);
      expect(await signInStatus(t, next), 'the new address does not sign in yet').to.equal(401);

      const code = attributeCodeFor(keepPool, next);
      const done = await submit(agent, '/email/verify', '/email/verify', { code });
      expect(done.status).to.equal(303);
      expect(t.logs.join(''), 'no code or password in the logs').to.not.contain(code).and.not.contain(TEST_PASSWORD);
      expect(sidOf(done), 'a new session id once the address changed').to.be.a('string').and.not.equal(before);
      const profile = await profileOf(agent);
      expect(profile.email).to.equal(next);
      expect(profile.header).to.equal(next);
      expect(profile.verified).to.equal('Verified');
      expect(profile.text).to.contain('Your email address was changed and verified.');
      expect(await signInStatus(t, next)).to.equal(303);
      expect(await signInStatus(t, user.email)).to.equal(401);
    });

    it('shows the code for the new address in the offline mailbox', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const next = newEmail('mailbox-change');
      const agent = await signIn(t, user.email);
      await submit(agent, '/email/change', '/email/change', { email: next, currentPassword: TEST_PASSWORD });
      const mailbox = await t.agent().get('/dev/mailbox').set('Accept-Language', 'en').expect(200);
      const row = new RegExp(`<tr data-email="${next}" data-kind="email-change">[\\s\\S]*?</tr>`).exec(mailbox.text)?.[0];
      expect(row, 'a mailbox row addressed to the new address').to.be.a('string');
      expect(row).to.contain(attributeCodeFor(keepPool, next));
      expect(row).to.contain('Changing the email address');
    });

    it('sends a new code to the new address on request, and only the newest code works', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const next = newEmail('resend');
      const agent = await signIn(t, user.email);
      await submit(agent, '/email/change', '/email/change', { email: next, currentPassword: TEST_PASSWORD });
      const first = attributeCodeFor(keepPool, next);
      let second = first;
      // cognito-local draws codes at random: ask again until the new one differs (almost always at once).
      for (let i = 0; i < 5 && second === first; i += 1) {
        expect((await submit(agent, '/email/verify', '/email/verify/send', {})).status).to.equal(303);
        second = attributeCodeFor(keepPool, next);
      }
      expect(second).to.not.equal(first);
      expect((await submit(agent, '/email/verify', '/email/verify', { code: first })).status).to.equal(400);
      expect((await submit(agent, '/email/verify', '/email/verify', { code: second })).status).to.equal(303);
      expect((await profileOf(agent)).email).to.equal(next);
    });
  });

  describe('the change form', () => {
    it('refuses an address another account uses, keeping what was typed', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const other = await createUserIn(keepPool, 'taken');
      const agent = await signIn(t, user.email);
      const res = await submit(agent, '/email/change', '/email/change', { email: other.email, currentPassword: TEST_PASSWORD });
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('Another account already uses this address');
      expect(res.text).to.contain(`value="${other.email}"`);
      expect(res.text).to.not.contain(`value="${TEST_PASSWORD}"`);
      expect((await profileOf(agent)).email).to.equal(user.email);
      expect(await signInStatus(t, other.email), 'the other account still signs in').to.equal(303);
    });

    it('refuses a wrong current password, keeping the new address but not the password', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const next = newEmail('wrongpw');
      const agent = await signIn(t, user.email);
      const res = await submit(agent, '/email/change', '/email/change', { email: next, currentPassword: 'Wr0ng-Passw0rd!' });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('The current password is not right.');
      expect(res.text).to.contain(`value="${next}"`);
      expect(res.text).to.not.contain('Wr0ng-Passw0rd!');
      expect((await profileOf(agent)).text).to.not.contain('waiting for the code');
    });

    it('keeps what was typed on a malformed address, and refuses the current address', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      const bad = await submit(agent, '/email/change', '/email/change', { email: 'not-an-address', currentPassword: TEST_PASSWORD });
      expect(bad.status).to.equal(400);
      expect(bad.text).to.contain('value="not-an-address"');
      expect(bad.text).to.contain('Enter an email address such as name@example.com.');
      const same = await submit(agent, '/email/change', '/email/change', { email: user.email.toUpperCase(), currentPassword: TEST_PASSWORD });
      expect(same.status).to.equal(400);
      expect(same.text).to.contain('This is already your email address.');
    });

    it('shows its messages in Japanese', async () => {
      const t = appOn(keepPool);
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      const page = await agent.get('/email/change').set('Accept-Language', 'ja').expect(200);
      expect(page.text).to.contain('メールアドレスの変更');
      const res = await agent
        .post('/email/change')
        .set('Accept-Language', 'ja')
        .type('form')
        .send({ email: user.email, currentPassword: TEST_PASSWORD, _csrf: csrfOf(page.text) });
      expect(res.text).to.contain('現在のメールアドレスと同じです。');
    });
  });

  describe('guards', () => {
    it('sends a signed-out person to sign in, and refuses every POST without a CSRF token (403)', async () => {
      const t = appOn(keepPool);
      await t.agent().get('/email/change').expect(303).expect('Location', '/login?returnTo=%2Femail%2Fchange&notice=signed_in_required');
      await t.agent().get('/email/verify').expect(303).expect('Location', '/login?returnTo=%2Femail%2Fverify&notice=signed_in_required');
      const user = await createUserIn(keepPool);
      const agent = await signIn(t, user.email);
      for (const action of ['/email/change', '/email/verify', '/email/verify/send']) {
        const res = await agent
          .post(action)
          .type('form')
          .send({ email: newEmail('csrf'), currentPassword: TEST_PASSWORD, code: '123456' });
        expect(res.status, action).to.equal(403);
      }
      expect((await profileOf(agent)).text).to.not.contain('waiting for the code');
    });

    it('limits requests per client IP like the other code pages', async () => {
      const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '3' } });
      for (let i = 0; i < 3; i += 1) await t.agent().get('/email/change').expect(303);
      const res = await t.agent().get('/email/verify');
      expect(res.status).to.equal(429);
      expect(res.text).to.contain('Too many requests');
    });
  });
});

describe('POST /email/change, what Cognito decides (against cognito-local)', () => {
  /** Whether the emulator still accepts a refresh token. */
  async function refreshAccepted(refreshToken: string): Promise<boolean> {
    const { client, ids } = testEmulator();
    const refresh = new InitiateAuthCommand({
      ClientId: ids.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    return client.send(refresh).then(
      () => true,
      (err: Error) => {
        expect(err.name).to.equal('NotAuthorizedException');
        return false;
      },
    );
  }

  it('leaves the address check to Cognito on the real-Cognito path: another account’s address, in any case, is "in use", keeping what was typed', async () => {
    const { client, emulator, ids } = testEmulator();
    const t = buildTestApp({
      cognito: { settings: { ...resolveCognitoSettings(buildTestApp().config, ids, emulator.url), emulator: false }, client },
    });
    const user = await createUserIn(ids);
    const typed = (await createUserIn(ids, 'taken')).email.toUpperCase();
    const agent = await signIn(t, user.email);
    const res = await submit(agent, '/email/change', '/email/change', { email: typed, currentPassword: TEST_PASSWORD });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Another account already uses this address');
    expect(res.text).to.contain(`value="${typed}"`);
    expect((await profileOf(agent)).email).to.equal(user.email);
  });

  it("keeps the re-authentication's fresh tokens in the session and revokes the session's old refresh token at Cognito", async () => {
    const store = new session.MemoryStore();
    const t = buildTestApp({ sessionStore: store });
    const user = await createUserIn(testEmulator().ids);
    const agent = t.agent();
    const old = (await storedSession(
      store,
      sessionIdOf(sidOf(await submit(agent, '/login', '/login', { email: user.email, password: TEST_PASSWORD }))!),
    ))!;
    const change = await submit(agent, '/email/change', '/email/change', { email: newEmail('revoke'), currentPassword: TEST_PASSWORD });
    expect(change.status).to.equal(303);
    const kept = (await storedSession(store, sessionIdOf(sidOf(change)!)))!.cognito!.tokens!.refreshToken!;
    expect(kept).to.be.a('string').and.not.equal(old.cognito!.tokens!.refreshToken);
    expect(await refreshAccepted(old.cognito!.tokens!.refreshToken!), 'the old refresh token').to.equal(false);
    expect(await refreshAccepted(kept), 'the fresh refresh token').to.equal(true);
    await agent.get('/profile').expect(200);
  });
});
