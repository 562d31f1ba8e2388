import { AdminDeleteUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, newEmail, submit } from '../../helpers/forms';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { secretOnPage, switchOnTotp, totpCodeFor, withOptionalTotpPool, wrongTotpCodeFor } from '../../helpers/totp';
import { createConfirmedUser } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;
type User = { email: string; password: string };

const SESSION_OVER = '/login?returnTo=%2Fprofile&notice=session_expired';

async function signIn(agent: Agent, user: User, where = '/profile'): Promise<string> {
  const res = await submit(agent, '/login', '/login', user);
  expect(res.status, 'POST /login').to.equal(303);
  expect(res.headers.location).to.equal(where);
  return sessionIdOf(sidOf(res)!);
}

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

describe('password checks and two-step limits on the signed-in pages (against cognito-local)', () => {
  withOptionalTotpPool();

  describe('switching two-step sign-in on', () => {
    it('asks for the current password before giving a key: none or a wrong one shows no key, and wrong ones count as failed sign-ins', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await signIn(agent, user);
      const intro = await agent.get('/mfa/setup').set('Accept-Language', 'en').expect(200);
      expect(intro.text).to.contain('autocomplete="current-password"');
      const empty = await agent
        .post('/mfa/setup')
        .type('form')
        .send({ _csrf: csrfOf(intro.text) });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.not.contain('totp-qr');
      for (let i = 0; i < 5; i += 1) {
        const wrong = await agent
          .post('/mfa/setup')
          .set('Accept-Language', 'en')
          .type('form')
          .send({ currentPassword: 'Wr0ng-Passw0rd!', _csrf: csrfOf(intro.text) });
        expect(wrong.status, `wrong password ${i + 1}`).to.equal(400);
        expect(wrong.text).to.contain('The current password is not right');
        expect(wrong.text).to.not.contain('totp-qr');
        expect(wrong.text).to.not.contain('Wr0ng-Passw0rd!');
      }
      expect((await agent.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">Off</);
      const later = await submit(t.agent(), '/login', '/login', user);
      expect(later.status, 'a sign-in from the same IP after five wrong passwords').to.equal(429);
    });

    it('asks for the password again for a new key, and keeps the pending key without it', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await signIn(agent, user);
      await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: user.password });
      const page = await agent.get('/mfa/setup').expect(200);
      const secret = secretOnPage(page.text);
      const restart = await agent
        .post('/mfa/setup')
        .type('form')
        .send({ _csrf: csrfOf(page.text) });
      expect(restart.status).to.equal(400);
      expect(secretOnPage(restart.text), 'the same key').to.equal(secret);
      const again = await agent
        .post('/mfa/setup')
        .type('form')
        .send({ currentPassword: user.password, _csrf: csrfOf(page.text) });
      expect(again.status).to.equal(303);
      expect(secretOnPage((await agent.get('/mfa/setup').expect(200)).text)).to.not.equal(secret);
    });

    it("ends the user's other sessions and revokes their refresh tokens; this browser stays signed in", async () => {
      const store = new session.MemoryStore();
      const t = buildTestApp({ sessionStore: store });
      const user = await createConfirmedUser();
      const a = t.agent();
      const b = t.agent();
      await signIn(a, user);
      const sidB = await signIn(b, user);
      const refreshB = (await storedSession(store, sidB))!.cognito!.tokens!.refreshToken!;
      await switchOnTotp(a, user.password);
      await b.get('/profile').expect(303);
      expect(await storedSession(store, sidB)).to.equal(null);
      expect(await refreshAccepted(refreshB), "B's refresh token").to.equal(false);
      expect((await a.get('/profile').expect(200)).text).to.match(/data-field="mfa-status">On</);
    });
  });

  it('caps wrong codes per account from all IPs together (RATE_LIMIT_MFA_FAILURES_PER_EMAIL), below the sign-in limits', async () => {
    const t = buildTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_MFA_FAILURES_PER_EMAIL: '3' } });
    const user = await createConfirmedUser();
    const setup = t.agent();
    await signIn(setup, user);
    const secret = await switchOnTotp(setup, user.password);
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      const guesser = t.agent().set('X-Forwarded-For', ip);
      await signIn(guesser, user, '/login/mfa');
      const wrong = await submit(guesser, '/login/mfa', '/login/mfa', { code: wrongTotpCodeFor(secret) });
      expect(wrong.status, `a wrong code from ${ip}`).to.equal(400);
    }
    const owner = t.agent().set('X-Forwarded-For', '198.51.100.7');
    await signIn(owner, user, '/login/mfa');
    const blocked = await submit(owner, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) });
    expect(blocked.status, 'even the right code, from a fresh IP').to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
    // Another account's code step is not affected.
    const other = await createConfirmedUser();
    const otherSetup = t.agent().set('X-Forwarded-For', '198.51.100.8');
    await signIn(otherSetup, other);
    const otherSecret = await switchOnTotp(otherSetup, other.password);
    const otherAgent = t.agent().set('X-Forwarded-For', '203.0.113.1');
    await signIn(otherAgent, other, '/login/mfa');
    expect((await submit(otherAgent, '/login/mfa', '/login/mfa', { code: totpCodeFor(otherSecret) })).status).to.equal(303);
  });

  it('ends the session, rather than saying the password is wrong, when the user was deleted meanwhile: /mfa/disable, /mfa/setup, /email/change, /profile/delete', async () => {
    const { client, ids } = testEmulator();
    const store = new session.MemoryStore();
    const t = buildTestApp({ sessionStore: store });
    const forms: Array<[string, (user: User) => Record<string, string>]> = [
      ['/mfa/disable', (user) => ({ currentPassword: user.password, code: '123456' })],
      ['/mfa/setup', (user) => ({ currentPassword: user.password })],
      ['/email/change', (user) => ({ email: newEmail('deleted'), currentPassword: user.password })],
      ['/profile/delete', (user) => ({ confirmEmail: user.email, currentPassword: user.password })],
    ];
    for (const [path, fields] of forms) {
      const user = await createConfirmedUser();
      const agent = t.agent();
      const sid = await signIn(agent, user);
      const csrf = csrfOf((await agent.get('/profile').expect(200)).text);
      await client.send(new AdminDeleteUserCommand({ UserPoolId: ids.userPoolId, Username: user.email }));
      const res = await agent
        .post(path)
        .type('form')
        .send({ ...fields(user), _csrf: csrf });
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal(SESSION_OVER);
      expect(await storedSession(store, sid), `${path}: the session left the store`).to.equal(null);
      await agent.get('/profile').expect(303);
    }
  });
});
