import { expect } from 'chai';
import express from 'express';
import supertest, { type Response } from 'supertest';
import { CognitoAuthError, cognitoAuth, createMemoryStore } from '../../../src/index';
import { buildTestApp, cognitoOptionsOf, testConfig, type TestApp, resolveCognitoSettings } from '../../helpers/app';
import { TEST_APP_BASE_URL, testEmulator } from '../../helpers/emulator';
import { csrfOf } from '../../helpers/forms';

/** Names of `Object.prototype` members: look-ups keyed by request data must find none of them. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

/** A clear 4xx page: the error template, no stack trace, no framework's default page. */
function expectErrorPage(res: Response, status: number) {
  expect(res.status).to.equal(status);
  expect(res.headers['content-type']).to.match(/text\/html/);
  expect(res.text).to.contain('class="error-message"');
  expect(res.text).to.not.match(/\n\s+at [\w.<>]+ \(/);
  expect(res.text).to.not.contain('node_modules');
}

describe('bad input', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  describe('GET /callback', () => {
    it('answers 400 to a repeated state (?state=a&state=b)', async () => {
      expectErrorPage(await t.agent().get('/callback?code=x&state=a&state=b'), 400);
    });
    it('answers 400 to a repeated code', async () => {
      expectErrorPage(await t.agent().get('/callback?code=a&code=b&state=s'), 400);
    });
    it('answers 400 to neither code nor error', async () => {
      expectErrorPage(await t.agent().get('/callback'), 400);
      expectErrorPage(await t.agent().get('/callback?code[]=x&state=s'), 400);
    });
    it('answers 400 to an oversized code', async () => {
      expectErrorPage(await t.agent().get(`/callback?code=${'a'.repeat(5000)}&state=s`), 400);
    });
    it('answers 403 to a well-formed code with no sign-in under way', async () => {
      expectErrorPage(await t.agent().get('/callback?code=abc&state=def'), 403);
    });
    it('answers 4xx to a URL too long for the server', async () => {
      const res = await t.agent().get(`/callback?code=${'a'.repeat(20000)}`);
      expect(res.status).to.be.within(400, 499);
    });
  });

  describe('GET /login/hosted', () => {
    it('ignores a repeated or hostile returnTo and still starts the sign-in', async () => {
      const res = await t.agent().get('/login/hosted?returnTo=/a&returnTo=/b').expect(302);
      expect(res.headers.location).to.contain('/oauth2/authorize?');
      await t.agent().get('/login/hosted?returnTo=javascript:alert(1)').expect(302);
    });

    it('starts a clean sign-in when called with stray code or error parameters (found by the fuzz test)', async () => {
      const res = await t.agent().get('/login/hosted?error=server_error&returnTo=%2Fprofile').expect(303);
      expect(res.headers.location).to.equal('/login/hosted?returnTo=%2Fprofile');
      await t.agent().get('/login/hosted?code=abc').expect(303).expect('Location', '/login/hosted');
    });
  });

  describe('POST /logout', () => {
    it('answers 403 without a session or CSRF token', async () => {
      expectErrorPage(await t.agent().post('/logout'), 403);
    });
    it('answers 413 to an oversized form body', async () => {
      const res = await t
        .agent()
        .post('/logout')
        .type('form')
        .send(`_csrf=${'a'.repeat(100_000)}`);
      expectErrorPage(res, 413);
    });
    it('answers 403 to a JSON body instead of a form', async () => {
      expectErrorPage(await t.agent().post('/logout').set('Content-Type', 'application/json').send('{"_csrf":'), 403);
    });
  });

  it('answers 404 with the error page, in the browser language', async () => {
    const res = await t.agent().get('/no/such/page').set('Accept-Language', 'ja');
    expectErrorPage(res, 404);
    expect(res.text).to.contain('このアドレスのページは見つかりませんでした');
  });

  it('shows the request id on the error page and in the X-Request-Id header', async () => {
    const res = await t.agent().get('/no/such/page');
    const id = res.headers['x-request-id'] as string;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(res.text).to.contain(id);
  });

  describe('Object.prototype member names in query, body and cookies', () => {
    it('shows every page as usual when ?notice=, ?lang= or the language cookie name one', async () => {
      for (const name of PROTOTYPE_NAMES) {
        for (const [path, status] of [
          ['/', 200],
          ['/login', 200],
          ['/signup', 200],
          ['/no/such/page', 404],
        ] as const) {
          const res = await t.agent().get(`${path}?notice=${name}&lang=${name}&${name}=x`).set('Cookie', `lang=${name}; ${name}=1`);
          expect(res.status, `${path} ${name}`).to.equal(status);
          expect(res.text, `${path} ${name}`).to.contain('<html lang="en">');
          expect(res.text, `${path} ${name}`).to.not.contain('class="notice"');
          expect(res.text).to.not.match(/\n\s+at [\w.<>]+ \(/);
        }
      }
    });

    it('answers a form whose fields and values name them with the form again (400), not a 500', async () => {
      const agent = buildTestApp({ env: { RATE_LIMIT_SIGNIN_FAILURES: '100' } }).agent();
      const csrf = csrfOf((await agent.get('/login')).text);
      for (const name of PROTOTYPE_NAMES) {
        const body = `_csrf=${csrf}&${name}=x&email=${name}&email=${name}&password=`;
        const res = await agent.post(`/login?returnTo=${name}&notice=${name}`).set('Cookie', `${name}=1`).type('form').send(body);
        expect(res.status, name).to.equal(400);
        expect(res.text).to.contain('class="form-errors"');
      }
    });
  });

  it('falls back to a plain-text page with the status and the request id when the error page itself fails', async () => {
    // A broken deploy: templates that cannot be found, the error page's included.
    t = buildTestApp({
      authOptions: (o) => ({
        ...o,
        render: { views: { error: '/nonexistent-views/error.ejs', 'partials/head': '/nonexistent-views/partials/head.ejs' } },
      }),
    });
    const missing = await t.agent().get('/no/such/page');
    expect(missing.status).to.equal(404);
    expect(missing.headers['content-type']).to.match(/^text\/plain/);
    expect(missing.text).to.contain(missing.headers['x-request-id']);
    const failing = await t.agent().get('/');
    expect(failing.status).to.equal(500);
    expect(failing.headers['content-type']).to.match(/^text\/plain/);
    for (const res of [missing, failing]) {
      expect(res.text).to.not.match(/\n\s+at [\w.<>]+ \(/);
      expect(res.text).to.not.contain('nonexistent-views');
    }
    expect(t.logs.join('')).to.contain('error page failed');
  });

  it('answers 500 for an error whose status is no HTTP error status (a host throwing CognitoAuthError with status 200, 99, 1.5, 700, NaN), on the page and on the plain-text last resort', async () => {
    const { emulator, ids } = testEmulator();
    const broken = { error: '/nonexistent-views/error.ejs', 'partials/head': '/nonexistent-views/partials/head.ejs' };
    for (const views of [undefined, broken]) {
      const auth = cognitoAuth({
        baseUrl: TEST_APP_BASE_URL,
        cognito: cognitoOptionsOf(resolveCognitoSettings(testConfig(), ids, emulator.url)),
        session: { store: createMemoryStore(), secret: 'odd-status-secret-odd-status-secret-0123' },
        ...(views ? { render: { views } } : {}),
      });
      const host = express();
      host.use(auth.context());
      host.get('/odd', (req) => {
        throw new CognitoAuthError('not_found', 'odd status', { status: Number(req.query.status) });
      });
      host.use(auth.errorHandler());
      for (const status of ['200', '99', '1.5', '700', 'NaN']) {
        const res = await supertest(host).get(`/odd?status=${status}`);
        const what = `status ${status}${views ? ', templates missing' : ''}`;
        expect(res.status, what).to.equal(500);
        expect(res.headers['content-type'], what).to.match(views ? /^text\/plain/ : /^text\/html/);
        expect(res.text, what).to.not.match(/\n\s+at [\w.<>]+ \(/);
      }
      await auth.close();
    }
  });
});
