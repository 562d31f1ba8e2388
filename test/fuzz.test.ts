import { expect } from 'chai';
import fc from 'fast-check';
import supertest, { type Response } from 'supertest';
import { buildTestApp, type TestApp } from './helpers/app';
import { csrfCookieOf, sidOf } from './helpers/cookies';
import { csrfOf, submit } from './helpers/forms';
import { switchOnTotp, withOptionalTotpPool } from './helpers/totp';
import { createConfirmedUser } from './helpers/users';
import { createUserIn, signIn } from './helpers/email-pools';
import { testEmulator } from './helpers/emulator';

/*
 * Property-based: fast-check generates every request from arbitraries, so a failure is reproducible.
 * On failure fc.assert throws with `{ seed, path }` in its message (mocha prints it); replay it with
 * FUZZ_SEED=<seed> FUZZ_PATH=<path> npx mocha test/fuzz.test.ts
 */
const REPLAY: fc.Parameters<unknown> = process.env.FUZZ_SEED
  ? { seed: Number(process.env.FUZZ_SEED), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) }
  : {};
const RUNS = 150;

/** Every route the app answers, and the form fields it reads. */
const GET_PATHS = [
  '/',
  '/complete',
  '/signup',
  '/signup/confirm',
  '/signup/resend',
  '/login',
  '/login/new-password',
  '/password/forgot',
  '/password/reset',
  '/password/change',
  '/profile',
  '/profile/delete',
  '/dev/mailbox',
  '/login/hosted',
  '/callback',
  '/healthz',
  '/readyz',
  '/public/style.css',
  '/nowhere',
  '/__proto__',
  '/constructor',
  '/email/verify',
  '/email/change',
  '/mfa/setup',
  '/mfa/disable',
  '/login/mfa',
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
  '/profile/delete': ['confirmEmail', 'currentPassword', 'code'],
  '/email/verify': ['code'],
  '/email/verify/send': [],
  '/email/change': ['email', 'currentPassword', 'code'],
  '/mfa/setup': ['currentPassword'],
  '/mfa/setup/confirm': ['code'],
  '/mfa/disable': ['currentPassword', 'code'],
  '/login/mfa': ['code'],
  '/logout': [],
  '/nowhere': [],
};
const QUERY_KEYS = ['returnTo', 'code', 'state', 'error', 'error_description', 'lang', 'notice', 'x'];
const COOKIE_NAMES = ['lang', 'sid', 'x'];

/** Names of `Object.prototype` members: a look-up keyed by request data must find none of them. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
];

/** Hostile values: prototype names, empty, unicode, control characters, huge, encodings, markup, look-alikes. */
const value = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constant(''),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 300, maxLength: 4000 }),
  fc.emailAddress(),
  fc.constantFrom(
    ' ',
    '%00',
    '%',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '//evil.example',
    '/%2e//evil.example',
    'javascript:alert(1)',
    '\\\\evil',
    '0'.repeat(20),
    'Ｐａｓｓ　ｗｏｒｄ１！',
    '😀'.repeat(100),
    'a@b',
    'A@EXAMPLE.COM\u0000',
    'ja',
    'en',
    'account_deleted',
  ),
);
/** A key: one the route reads, a prototype name, or either in bracket form (`returnTo[]`, `x[__proto__]`). */
const key = (keys: string[]) =>
  fc.oneof(
    fc.constantFrom(...keys),
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.tuple(fc.constantFrom(...keys, 'x'), fc.constantFrom('', ...PROTOTYPE_NAMES)).map(([k, inner]) => `${k}[${inner}]`),
  );
/** Pairs from a small key set, so that repeated keys (`a=1&a=2`) are common. */
const entries = (keys: string[], maxValueLength?: number) =>
  fc.array(fc.tuple(key(keys), maxValueLength ? value.map((v) => v.slice(0, maxValueLength)) : value), { maxLength: 8 });
const cookies = entries(COOKIE_NAMES, 200);
/** A query string beside a POST: the keys routes read there (and, through `key`, prototype names). */
const postQuery = entries(['returnTo', 'notice', 'lang']);

function encode(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** A Cookie header: the session's own cookie (if any) first, then the generated ones. */
function cookieHeader(sid: string | undefined, pairs: Array<[string, string]>): string {
  return [...(sid ? [sid] : []), ...pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)].join('; ');
}

function expectHandled(res: Response, what: string) {
  expect(res.status, what).to.be.below(500);
  expect(res.text ?? '', what).to.not.match(/\n\s+at [\w.<>$]+ \(|node_modules|TypeError|ReferenceError/);
}

/** The CSRF refusal: the 403 error page for `csrf_invalid`. */
function refusedByCsrf(res: Response): boolean {
  return res.status === 403 && (res.text ?? '').includes('data-code="csrf_invalid"');
}

/**
 * The CSRF check judged each run, both ways: a form sent with the session's token (and no `_csrf` of the
 * generated fields beside it) is never refused for it, and one sent without it always is, on the
 * router's own paths (a body over the size limit is refused before: 413). A run where CSRF refuses
 * everything fails, and so does one where it refuses nothing.
 */
function expectCsrfJudged(res: Response, path: string, withCsrf: boolean, pairs: Array<[string, string]>, what: string) {
  const ownToken = pairs.some(([k]) => k === '_csrf');
  if (withCsrf && !ownToken) expect(refusedByCsrf(res), `${what}: refused for CSRF despite the session's token`).to.equal(false);
  if (!withCsrf && path !== '/nowhere' && res.status !== 413)
    expect(refusedByCsrf(res), `${what}: not refused for CSRF without a token`).to.equal(true);
}

/** Requests every test run starts with, whatever the seed: the classes issue 10 found. */
const KNOWN_GET: Array<[string, Array<[string, string]>, Array<[string, string]>]> = [
  ['/', [['notice', '__proto__']], []],
  ['/nowhere', [['notice', 'constructor']], []],
  [
    '/login',
    [
      ['notice', 'toString'],
      ['lang', '__proto__'],
    ],
    [['lang', 'hasOwnProperty']],
  ],
  [
    '/',
    [
      ['notice', 'account_deleted'],
      ['notice', 'account_deleted'],
    ],
    [
      ['__proto__', 'x'],
      ['constructor', ''],
    ],
  ],
];

describe('fuzzing every route, query, form field and cookie (fast-check)', function () {
  this.timeout(120_000);
  const env = {
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL: '1000000',
    RATE_LIMIT_MFA_FAILURES_PER_EMAIL: '1000000',
    RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: '1000000',
  };
  let t: TestApp;
  let user: { email: string; password: string };
  before(async () => {
    t = buildTestApp({ env });
    user = await createConfirmedUser();
  });

  /**
   * The cookie that carries a CSRF token, and the token: signed in as `user`, the session cookie (the
   * token is in the session); signed out, the forms' CSRF cookie (no session is stored).
   */
  async function session(signedIn: boolean): Promise<{ sid: string; csrf: string }> {
    const agent = t.agent();
    let sid: string | undefined;
    if (signedIn) {
      const res = await submit(agent, '/login', '/login', user);
      expect(res.status, 'sign-in').to.equal(303);
      sid = sidOf(res);
    }
    // A form page for each: signed in, /signup goes on to the profile.
    const page = await agent.get(signedIn ? '/profile' : '/signup');
    sid ??= csrfCookieOf(page);
    expect(sid, 'a session or CSRF cookie').to.be.a('string');
    return { sid: sid as string, csrf: csrfOf(page.text) };
  }

  for (const signedIn of [false, true]) {
    const who = signedIn ? 'signed in' : 'signed out';

    it(`GET every route with generated queries and cookies (${who}): never a 5xx or a stack trace`, async () => {
      const { sid } = await session(signedIn);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...GET_PATHS), entries(QUERY_KEYS), cookies, async (path, query, jar) => {
          const url = query.length ? `${path}?${encode(query)}` : path;
          const res = await supertest(t.app).get(url).set('Cookie', cookieHeader(sid, jar));
          expectHandled(res, `GET ${url.slice(0, 200)} Cookie: ${cookieHeader(undefined, jar).slice(0, 200)}`);
        }),
        { numRuns: RUNS, examples: KNOWN_GET, ...REPLAY },
      );
    });

    // Signed in, /logout would end the session the other runs rely on: it is fuzzed signed out.
    const postPaths = Object.keys(FORMS).filter((p) => !(signedIn && p === '/logout'));
    it(`POST every form with generated bodies and cookies, with and without a CSRF token (${who}): never a 5xx or a stack trace, and the CSRF check judges each one`, async () => {
      const base = await session(signedIn);
      const body = fc.constantFrom(...postPaths).chain((path) => fc.tuple(fc.constant(path), entries([...(FORMS[path] as string[]), '_csrf', 'x'])));
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), cookies, postQuery, async ([path, pairs], withCsrf, jar, search) => {
          // Signed out, each run gets its own anonymous session: a run may end the one before.
          const { sid, csrf } = signedIn ? base : await session(false);
          const form = encode(withCsrf ? [['_csrf', csrf], ...pairs] : pairs);
          const url = search.length ? `${path}?${encode(search)}` : path;
          const res = await supertest(t.app).post(url).set('Cookie', cookieHeader(sid, jar)).type('form').send(form);
          const what = `POST ${url.slice(0, 200)} ${form.slice(0, 200)} Cookie: ${cookieHeader(undefined, jar).slice(0, 200)}`;
          expectHandled(res, what);
          expectCsrfJudged(res, path, withCsrf, pairs, what);
        }),
        {
          numRuns: RUNS,
          examples: [
            [
              [
                '/login',
                [
                  ['email', '__proto__'],
                  ['__proto__', 'x'],
                  ['constructor', ''],
                ],
              ],
              true,
              [['lang', '__proto__']],
              [['notice', '__proto__']],
            ],
            [
              [
                '/profile',
                [
                  ['name', 'constructor'],
                  ['name', 'toString'],
                ],
              ],
              true,
              [['__proto__', '']],
              [['returnTo', '__proto__']],
            ],
          ],
          ...REPLAY,
        },
      );
    });
  }

  describe('with a two-step challenge waiting in the session', () => {
    withOptionalTotpPool();

    it('POST /login/mfa with generated codes, fields and cookies parses every code: never a 5xx or a stack trace', async () => {
      const now = Date.now();
      // A clock that stands still: the 3-minute challenge cannot run out during the runs.
      const app = buildTestApp({ env, clock: () => now });
      const owner = await createConfirmedUser();
      const setup = app.agent();
      await submit(setup, '/login', '/login', owner);
      await switchOnTotp(setup, owner.password);
      const agent = app.agent();
      const signIn = await submit(agent, '/login', '/login', owner);
      expect(signIn.headers.location, 'the code step').to.equal('/login/mfa');
      const codePage = await agent.get('/login/mfa').expect(200);
      // The challenge is in the session; the signed-out form's token in the CSRF cookie.
      const sid = `${sidOf(signIn) as string}; ${csrfCookieOf(codePage) as string}`;
      const csrf = csrfOf(codePage.text);
      const code = fc.oneof(fc.stringMatching(/^\d{6}$/), fc.stringMatching(/^[\d ]{0,12}$/), value);
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(code, entries(['code', '_csrf', 'x']), fc.boolean(), cookies, async (typed, extra, withCsrf, jar) => {
          const form = encode([...(withCsrf ? [['_csrf', csrf] as [string, string]] : []), ['code', typed], ...extra]);
          const res = await supertest(app.app).post('/login/mfa').set('Cookie', cookieHeader(sid, jar)).type('form').send(form);
          statuses.add(res.status);
          const what = `POST /login/mfa ${form.slice(0, 200)} Cookie: ${cookieHeader(undefined, jar).slice(0, 200)}`;
          expectHandled(res, what);
          expectCsrfJudged(res, '/login/mfa', withCsrf, extra, what);
        }),
        {
          numRuns: RUNS,
          examples: [
            ['123456', [], true, []],
            ['__proto__', [['code', '654321']], true, [['sid', '__proto__']]],
          ],
          ...REPLAY,
        },
      );
      expect([...statuses], 'codes reached the code check (a wrong one is 400), not only the no-challenge redirect').to.include(400);
    });
  });

  it('leaves the process healthy: probes answer and a normal sign-in still works', async () => {
    await t.agent().get('/healthz').expect(200);
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    await agent.get('/complete').expect(200);
  });
});

describe('fuzzing the e-mail forms of a signed-in person (fast-check)', () => {
  it('answers random form bodies with a 4xx or a redirect, never a 500 or a stack trace', async function () {
    this.timeout(60_000);
    const t = buildTestApp({
      env: {
        RATE_LIMIT_IP_PER_MINUTE: '1000000',
        RATE_LIMIT_SIGNIN_FAILURES: '1000000',
        RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL: '1000000',
        RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: '1000000',
      },
    });
    const user = await createUserIn(testEmulator().ids, 'fuzz');
    const agent = await signIn(t, user.email);
    const csrf = csrfOf((await agent.get('/email/change')).text);
    const value = fc.oneof(fc.string(), fc.emailAddress(), fc.constantFrom('', '%00', '<script>x</script>', '0'.repeat(20), 'a@b', '😀'.repeat(80)));
    const forms: Record<string, string[]> = {
      '/email/change': ['email', 'currentPassword', 'code'],
      '/email/verify': ['code'],
      '/email/verify/send': ['x'],
    };
    // The action and each of its fields' values come from the arbitrary, so the printed seed replays them.
    const filled = fc
      .constantFrom(...Object.keys(forms))
      .chain((action) => fc.tuple(fc.constant(action), fc.tuple(...forms[action]!.map((name) => fc.tuple(fc.constant(name), value)))));
    // Extra fields never named `_csrf`: with the session's token alone, a CSRF refusal (403) is a failure.
    const extraKey = fc.string().filter((k) => k !== '_csrf');
    await fc.assert(
      fc.asyncProperty(filled, fc.array(fc.tuple(extraKey, value), { maxLength: 4 }), async ([action, fields], extra) => {
        const pairs = [...fields, ...extra, ['_csrf', csrf]];
        const res = await agent
          .post(action)
          .type('form')
          .send(pairs.map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`).join('&'));
        expect(res.status, action).to.be.oneOf([200, 303, 400, 409, 413, 429]);
        expect(res.text, action).to.not.match(/\n\s+at [\w.<>$]+ \(|node_modules|TypeError|ReferenceError/);
      }),
      { numRuns: 40 },
    );
  });
});
