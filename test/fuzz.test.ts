import { expect } from 'chai';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { buildTestApp, type TestApp } from './helpers/app';
import { csrfOf, submit } from './helpers/forms';
import { createConfirmedUser } from './helpers/users';

/** Every route the app answers, and the form fields it reads. */
const GET_PATHS = [
  '/', '/complete', '/signup', '/signup/confirm', '/signup/resend', '/login', '/login/new-password', '/password/forgot',
  '/password/reset', '/password/change', '/profile', '/profile/delete', '/dev/mailbox', '/auth/login', '/auth/callback',
  '/healthz', '/readyz', '/public/style.css', '/nowhere',
];
const FORMS: Record<string, string[]> = {
  '/signup': ['email', 'password', 'passwordConfirm'],
  '/signup/confirm': ['email', 'code'],
  '/signup/resend': ['email'],
  '/login': ['email', 'password'],
  '/login/new-password': ['password', 'passwordConfirm'],
  '/password/forgot': ['email'],
  '/password/reset': ['email', 'code', 'password', 'passwordConfirm'],
  '/password/change': ['currentPassword', 'password', 'passwordConfirm'],
  '/profile': ['name'],
  '/profile/delete': ['confirmEmail'],
};
const QUERY_KEYS = ['returnTo', 'code', 'state', 'error', 'error_description', 'lang', 'notice', 'x'];

/** Hostile values: unicode, control characters, huge, empty, encodings, markup, look-alike addresses. */
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 300, maxLength: 4000 }),
  fc.emailAddress(),
  fc.constantFrom('', ' ', '%00', '%', '../../etc/passwd', '<script>alert(1)</script>', '//evil.example', 'javascript:alert(1)', '\\\\evil', '0'.repeat(20), 'Ｐａｓｓ　ｗｏｒｄ１！', '😀'.repeat(100), 'a@b', 'A@EXAMPLE.COM\u0000'),
);
const entries = (keys: string[]) => fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 8 });

function encode(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function expectHandled(res: Response, what: string) {
  expect(res.status, what).to.not.equal(500);
  expect(res.status, what).to.be.below(600);
  expect(res.text ?? '', what).to.not.match(/\n\s+at [\w.<>$]+ \(|node_modules|TypeError|ReferenceError/);
}

describe('fuzzing every route and form field (fast-check)', function () {
  this.timeout(120_000);
  const env = { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_SIGNIN_FAILURES: '1000000' };
  let t: TestApp;
  let user: { email: string; password: string };
  before(async () => {
    t = buildTestApp({ env });
    user = await createConfirmedUser();
  });

  async function signedInAgent() {
    const agent = t.agent();
    await submit(agent, '/login', '/login', user);
    return agent;
  }

  for (const signedIn of [false, true]) {
    const who = signedIn ? 'signed in' : 'signed out';

    it(`GET with random query strings (${who}): never a 500 or a stack trace`, async () => {
      const agent = signedIn ? await signedInAgent() : t.agent();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...GET_PATHS), entries(QUERY_KEYS), async (path, query) => {
          const url = query.length ? `${path}?${encode(query)}` : path;
          expectHandled(await agent.get(url), `GET ${url.slice(0, 200)}`);
        }),
        { numRuns: 120 },
      );
    });

    it(`POST random form bodies with and without a CSRF token (${who}): never a 500 or a stack trace`, async () => {
      const agent = signedIn ? await signedInAgent() : t.agent();
      const csrf = csrfOf((await agent.get('/signup')).text);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(FORMS)), fc.boolean(), fc.boolean(), async (path, withCsrf, extra) => {
          const fieldsArb = entries(extra ? [...(FORMS[path] as string[]), 'x', '_csrf[]', '__proto__'] : (FORMS[path] as string[]));
          const pairs = fc.sample(fieldsArb, 1)[0] as Array<[string, string]>;
          const body = encode(withCsrf ? [...pairs, ['_csrf', csrf]] : pairs);
          expectHandled(await agent.post(path).type('form').send(body), `POST ${path} ${body.slice(0, 200)}`);
        }),
        { numRuns: 120 },
      );
    });
  }

  it('leaves the process healthy: probes answer and a normal sign-in still works', async () => {
    await t.agent().get('/healthz').expect(200);
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    await agent.get('/complete').expect(200);
  });
});
