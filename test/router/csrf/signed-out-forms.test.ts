import { expect } from 'chai';
import session from 'express-session';
import supertest from 'supertest';
import { buildTestApp } from '../../helpers/app';
import { csrfCookieOf, setCookieOf, sidOf } from '../../helpers/cookies';
import { codeFromEmulator, csrfOf, newEmail, submit } from '../../helpers/forms';
import { buildHostApp } from '../../helpers/host-apps';
import { storedSessions } from '../../helpers/sessions';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

type Agent = ReturnType<typeof supertest.agent>;

/** Enough requests a minute for 150 page views from one address. */
const MANY = { RATE_LIMIT_IP_PER_MINUTE: '1000' };

const FORM_PAGES = ['/login', '/signup', '/password/forgot'];

async function sessionCount(store: session.Store): Promise<number> {
  return Object.keys(await storedSessions(store)).length;
}

/** `token` with its last character changed. */
function wrong(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
}

/** Every cookie a response sets, by name. */
function cookieNames(res: { headers: Record<string, unknown> }): string[] {
  return ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.slice(0, c.indexOf('=')));
}

describe('signed-out forms carry a stateless CSRF token (a signed double-submit cookie)', () => {
  describe('GET /login, /signup and /password/forgot while signed out', () => {
    it('store no session in 50 views of each, on the package’s own session (memory store)', async () => {
      const t = buildTestApp({ env: MANY });
      for (let i = 0; i < 50; i += 1) {
        for (const page of FORM_PAGES) {
          // A fresh browser each time, as 50 visitors would be; every page still has its form and token.
          const res = await t.agent().get(page).expect(200);
          expect(csrfOf(res.text)).to.match(/\S/);
          expect(cookieNames(res), page).to.deep.equal(['sid.csrf']);
        }
      }
      expect(await sessionCount(t.sessionStore)).to.equal(0);
    });

    it('store no session in 50 views of each, on a host’s express-session with saveUninitialized: false', async () => {
      const store = new session.MemoryStore();
      const { app } = buildHostApp({
        mounting: 'path',
        at: '/account',
        mountPath: '/account',
        hostSession: store,
        options: { rateLimits: { perIpPerMinute: 1000 } },
      });
      for (let i = 0; i < 50; i += 1) {
        for (const page of FORM_PAGES) {
          const res = await supertest.agent(app).get(`/account${page}`).expect(200);
          expect(csrfOf(res.text)).to.match(/\S/);
          expect(cookieNames(res), page).to.deep.equal(['cognito.csrf']);
        }
      }
      expect(await sessionCount(store)).to.equal(0);
    });

    it('give one browser one token for all its forms and tabs, in an HttpOnly SameSite=Lax cookie', async () => {
      const t = buildTestApp();
      const agent = t.agent();
      const first = await agent.get('/login').expect(200);
      const second = await agent.get('/signup').expect(200);
      expect(csrfOf(second.text)).to.equal(csrfOf(first.text));
      const cookie = setCookieOf(first, 'sid.csrf') as string;
      for (const attribute of ['; Path=/', '; HttpOnly', '; SameSite=Lax']) expect(cookie).to.contain(attribute);
      expect(cookie).to.not.contain('Secure');
    });
  });

  describe('every signed-out form still works end to end', () => {
    for (const [what, hostSession] of [
      ['the package’s own session', false],
      ['a host’s express-session', true],
    ] as const) {
      it(`signs up, confirms, signs in and out, resets the password and signs in with it (${what})`, async () => {
        const store = new session.MemoryStore();
        const { app } = buildHostApp({ mounting: 'path', at: '/account', mountPath: '/account', hostSession: hostSession ? store : undefined });
        const agent = supertest.agent(app);
        const email = newEmail('stateless');
        const go = (page: string, fields: Record<string, string>, action = page) => submit(agent, `/account${page}`, `/account${action}`, fields);

        expect((await go('/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD })).headers.location).to.equal(
          '/account/signup/confirm',
        );
        expect((await go('/signup/confirm', { email, code: codeFromEmulator(email) })).headers.location).to.equal('/account/login');
        expect((await go('/login', { email, password: TEST_PASSWORD })).headers.location).to.equal('/account/profile');
        expect((await agent.get('/orders').expect(200)).text).to.equal(`orders of ${email}`);
        expect((await go('/profile', {}, '/logout')).status).to.equal(303);
        await agent.get('/orders').expect(303);

        expect((await go('/password/forgot', { email })).headers.location).to.equal('/account/password/reset');
        const reset = await go('/password/reset', {
          email,
          code: codeFromEmulator(email),
          password: `${TEST_PASSWORD}2`,
          passwordConfirm: `${TEST_PASSWORD}2`,
        });
        expect(reset.status, reset.text).to.equal(303);
        expect((await go('/login', { email, password: `${TEST_PASSWORD}2` })).status).to.equal(303);
        expect((await agent.get('/orders').expect(200)).text).to.equal(`orders of ${email}`);
      });
    }
  });

  describe('POST of a signed-out form', () => {
    /** A browser that has the sign-in page open: its cookie and the page's token. */
    async function openSignIn(t: ReturnType<typeof buildTestApp>): Promise<{ agent: Agent; token: string; cookie: string }> {
      const agent = t.agent();
      const page = await agent.get('/login').expect(200);
      return { agent, token: csrfOf(page.text), cookie: csrfCookieOf(page) as string };
    }
    const credentials = { email: 'someone@example.com', password: 'Wr0ng-Passw0rd!' };

    for (const page of ['/login', '/signup', '/signup/confirm', '/signup/resend', '/password/forgot', '/password/reset']) {
      it(`${page}: 403 without a token, with a wrong one, and with another browser’s`, async () => {
        const t = buildTestApp();
        const { agent, token } = await openSignIn(t);
        const other = await openSignIn(t);
        for (const [what, body] of [
          ['none', {}],
          ['wrong', { _csrf: wrong(token) }],
          ['another browser’s', { _csrf: other.token }],
        ] as const) {
          const res = await agent
            .post(page)
            .type('form')
            .send({ ...credentials, ...body });
          expect(res.status, what).to.equal(403);
          expect(res.text, what).to.contain('data-code="csrf_invalid"');
        }
        expect(await sessionCount(t.sessionStore), 'a refused form stores nothing').to.equal(0);
      });
    }

    it('fails cross-site: the browser sends no SameSite=Lax cookie, and a cross-site request is refused even with one', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const { agent, token, cookie } = await openSignIn(t);
      // An attacker's page can hold a token (its own visit), but the victim's browser sends no cookie with it.
      const withoutCookie = await supertest(t.app)
        .post('/login')
        .type('form')
        .send({ ...user, _csrf: token });
      expect(withoutCookie.status).to.equal(403);
      const crossSite = await supertest(t.app)
        .post('/login')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'https://evil.example')
        .type('form')
        .send({ ...user, _csrf: token });
      expect(crossSite.status).to.equal(403);
      expect(sidOf(crossSite), 'no sign-in').to.equal(undefined);
      // The same form from the page itself signs in.
      const sameOrigin = await agent
        .post('/login')
        .set('Sec-Fetch-Site', 'same-origin')
        .type('form')
        .send({ ...user, _csrf: token });
      expect(sameOrigin.status).to.equal(303);
    });

    it('takes the token from an X-CSRF-Token header too (a script’s fetch), under the same rules', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const { agent, token } = await openSignIn(t);
      expect((await agent.post('/login').set('X-CSRF-Token', wrong(token)).type('form').send(user)).status).to.equal(403);
      expect((await agent.post('/login').set('X-CSRF-Token', token).type('form').send(user)).status).to.equal(303);
    });

    it('refuses a cookie signed with another secret, and accepts one from another instance with the same secret (several instances)', async () => {
      const sameSecret = buildTestApp();
      const otherSecret = buildTestApp({ sessionSecret: 'another-secret-another-secret-another-0123' });
      const user = await createConfirmedUser();
      const { token, cookie } = await openSignIn(buildTestApp());
      const post = (t: ReturnType<typeof buildTestApp>) =>
        supertest(t.app)
          .post('/login')
          .set('Cookie', cookie)
          .type('form')
          .send({ ...user, _csrf: token });
      expect((await post(otherSecret)).status).to.equal(403);
      expect((await post(sameSecret)).status).to.equal(303);
    });
  });
});
