import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { assert, expect } from 'chai';
import type session from 'express-session';
import pino from 'pino';
import { createClient } from 'redis';
import supertest from 'supertest';
import { createRedisSessionStore } from '../../src/sessions';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import { buildTestApp, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { testEmulator } from '../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../helpers/forms';
import { startTestRedis } from '../helpers/redis';
import { storedSessions as allStoredSessions, type StoredSession } from '../helpers/sessions';
import { switchOnTotp, withOptionalTotpPool } from '../helpers/totp';
import { createConfirmedUser, TEST_PASSWORD } from '../helpers/users';

type Agent = ReturnType<TestApp['agent']>;
type Stored = StoredSession;

const TEN_MINUTES = 10 * 60 * 1000;

async function storedSessions(store: session.Store): Promise<Stored[]> {
  return Object.values(await allStoredSessions(store));
}

/** Milliseconds until the store lets the session go (the memory store follows the cookie's expiry). */
function storedLifetime(s: Stored): number {
  return new Date(s.cookie.expires as unknown as string).getTime() - Date.now();
}

/** The session id inside a `sid=s%3A<id>.<signature>` cookie. */
function sessionIdOf(cookie: string): string {
  return decodeURIComponent(cookie.slice('sid='.length))
    .replace(/^s:/, '')
    .replace(/\.[^.]*$/, '');
}

/** A user an administrator created with a temporary password: the emulator answers their sign-in with NEW_PASSWORD_REQUIRED. */
async function createUserWithTemporaryPassword(): Promise<{ email: string; password: string }> {
  const { client, ids } = testEmulator();
  const email = newEmail('temporary');
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: email, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
  );
  return { email, password: TEST_PASSWORD };
}

interface Flow {
  /** What an anonymous visitor does. */
  run(ctx: { t: TestApp; agent: Agent; advanceClock: (ms: number) => void }): Promise<unknown>;
}

/**
 * What a visitor who is not signed in does without the app writing a session: the forms' CSRF token is
 * in a cookie of its own (router/csrf.ts), and a refused form remembers nothing.
 */
const STATELESS: Array<[string, Flow]> = [
  ['the sign-in form', { run: ({ agent }) => agent.get('/login').expect(200) }],
  ['the sign-up form', { run: ({ agent }) => agent.get('/signup').expect(200) }],
  ['the confirm form', { run: ({ agent }) => agent.get('/signup/confirm').expect(200) }],
  ['the forgotten-password form', { run: ({ agent }) => agent.get('/password/forgot').expect(200) }],
  ['the reset form', { run: ({ agent }) => agent.get('/password/reset').expect(200) }],
  ['a failed sign-in', { run: ({ agent }) => submit(agent, '/login', '/login', { email: newEmail('nobody'), password: 'Wr0ng-Passw0rd!' }) }],
  [
    'a refused reset',
    {
      run: ({ agent }) =>
        submit(agent, '/password/reset', '/password/reset', {
          email: newEmail('anon'),
          code: '123456',
          password: TEST_PASSWORD,
          passwordConfirm: TEST_PASSWORD,
        }),
    },
  ],
];

/** Every way a visitor who is not signed in makes the app write a session: a flow that must remember something. */
const FLOWS: Array<[string, Flow]> = [
  ['starting a Hosted UI sign-in', { run: ({ agent }) => agent.get('/login/hosted').expect(302) }],
  [
    'a refused Hosted UI callback',
    { run: async ({ agent }) => (await agent.get('/login/hosted'), agent.get('/callback?code=abc&state=forged').expect(403)) },
  ],
  [
    'a provider error for a pending sign-in',
    {
      run: async ({ agent }) => {
        await agent.get('/login/hosted');
        const other = new URL((await agent.get('/login/hosted')).headers.location as string).searchParams.get('state') as string;
        await agent.get(`/callback?error=access_denied&state=${other}`).expect(401);
      },
    },
  ],
  [
    'signing up (the address kept for the confirm page)',
    { run: ({ agent }) => submit(agent, '/signup', '/signup', { email: newEmail('anon'), password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD }) },
  ],
  [
    'confirming a sign-up (address and notice kept)',
    {
      run: async ({ agent }) => {
        const email = newEmail('anon');
        await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
        const res = await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: codeFromEmulator(email) });
        expect(res.headers.location).to.equal('/login');
      },
    },
  ],
  [
    'signing in to an unconfirmed account (address and notice kept)',
    {
      run: async ({ agent }) => {
        const email = newEmail('anon');
        await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
        const res = await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD });
        expect(res.headers.location).to.equal('/signup/confirm');
      },
    },
  ],
  ['asking for the sign-up code again', { run: ({ agent }) => submit(agent, '/signup/confirm', '/signup/resend', { email: newEmail('anon') }) }],
  [
    'asking for a reset code (address kept)',
    { run: ({ agent }) => submit(agent, '/password/forgot', '/password/forgot', { email: newEmail('anon') }) },
  ],
  [
    'a NEW_PASSWORD_REQUIRED challenge waiting for its answer',
    {
      run: async ({ agent }) => {
        const res = await submit(agent, '/login', '/login', await createUserWithTemporaryPassword());
        expect(res.headers.location).to.equal('/login/new-password');
      },
    },
  ],
  [
    'a two-step sign-in waiting for its code (SOFTWARE_TOKEN_MFA)',
    {
      run: async ({ t, agent }) => {
        const user = await createConfirmedUser();
        const setUp = t.agent();
        expect((await submit(setUp, '/login', '/login', user)).status).to.equal(303);
        await switchOnTotp(setUp, user.password);
        expect((await submit(setUp, '/profile', '/logout', {})).status).to.equal(303);
        const res = await submit(agent, '/login', '/login', user);
        expect(res.headers.location).to.equal('/login/mfa');
      },
    },
  ],
  [
    'a signed-in session that outlived its idle lifetime (replaced by an anonymous one)',
    {
      run: async ({ agent, advanceClock }) => {
        const user = await createConfirmedUser();
        expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
        advanceClock(3 * 60 * 60 * 1000);
        await agent.get('/profile').expect(303);
      },
    },
  ],
];

describe('anonymous sessions cannot fill the session store', () => {
  describe('GET /login/hosted', () => {
    it('is limited per client IP: 300 starts leave fewer than 100 stored sessions, the rest get a localized 429 with Retry-After', async () => {
      const t = buildTestApp();
      const server = t.app.listen(0, '127.0.0.1');
      const statuses: number[] = [];
      let blocked: supertest.Response | undefined;
      try {
        // No cookie jar: each start is a fresh browser, as a flood would be; ten at a time.
        for (let i = 0; i < 300; i += 10) {
          const batch = Array.from({ length: 10 }, () => supertest(server).get('/login/hosted').set('Accept-Language', 'ja'));
          for (const res of await Promise.all(batch)) {
            statuses.push(res.status);
            if (res.status === 429) blocked ??= res;
          }
        }
      } finally {
        server.close();
      }
      expect((await storedSessions(t.sessionStore)).length).to.be.below(100);
      expect(statuses.filter((s) => s === 302).length).to.equal(30);
      expect(statuses.filter((s) => s === 429).length).to.equal(270);
      expect(blocked?.headers['retry-after']).to.match(/^\d+$/);
      expect(blocked?.text).to.contain('リクエストが多すぎます');
      expect(blocked?.headers['set-cookie'], 'a refused start stores no session').to.equal(undefined);
    });

    it('takes its limit from RATE_LIMIT_SIGNIN_START_PER_MINUTE', async () => {
      const t = buildTestApp({ env: { RATE_LIMIT_SIGNIN_START_PER_MINUTE: '2' } });
      const agent = t.agent();
      await agent.get('/login/hosted').expect(302);
      await agent.get('/login/hosted').expect(302);
      await agent.get('/login/hosted').expect(429);
      await agent.get('/login').expect(200);
    });
  });

  describe('every session written for a visitor who is not signed in is stored for at most 10 minutes', () => {
    withOptionalTotpPool();
    for (const [what, flow] of FLOWS) {
      it(`${what}`, async () => {
        let now = Date.now();
        const t = buildTestApp({ clock: () => now });
        await flow.run({ t, agent: t.agent(), advanceClock: (ms) => (now += ms) });
        const stored = await storedSessions(t.sessionStore);
        expect(stored, 'a session was stored').to.have.length.of.at.least(1);
        for (const s of stored) {
          expect(s.cognito?.user, 'nobody is signed in').to.equal(undefined);
          expect(storedLifetime(s)).to.be.above(0).and.at.most(TEN_MINUTES);
        }
      });
    }

    for (const [what, flow] of STATELESS) {
      it(`stores no session for ${what}`, async () => {
        const t = buildTestApp();
        await flow.run({ t, agent: t.agent(), advanceClock: () => undefined });
        expect(await storedSessions(t.sessionStore)).to.deep.equal([]);
      });
    }

    it('stores no session for a language choice, a query notice, a 404 or the start page', async () => {
      const t = buildTestApp();
      const agent = t.agent();
      const lang = await agent.get('/?lang=ja').expect(200);
      expect(String(lang.headers['set-cookie'])).to.contain('lang=ja');
      await agent.get('/login?notice=session_expired&lang=en').expect(200);
      await t.agent().get('/?notice=account_deleted').expect(200);
      await t.agent().get('/nowhere').expect(404);
      await t.agent().get('/').expect(200);
      expect(await storedSessions(t.sessionStore)).to.deep.equal([]);
    });

    it('gives a signed-in session the idle lifetime again (sign-in regenerates it)', async () => {
      const t = buildTestApp();
      const agent = t.agent();
      const user = await createConfirmedUser();
      await agent.get('/login/hosted').expect(302);
      expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
      const [signedIn] = await storedSessions(t.sessionStore);
      assert.exists(signedIn?.cognito?.user);
      expect(storedLifetime(signedIn)).to.be.above(TEN_MINUTES);
      await agent.get('/profile').expect(200);
      expect(storedLifetime((await storedSessions(t.sessionStore))[0] as Stored)).to.be.above(TEN_MINUTES);
    });
  });

  describe('whatever the store', () => {
    it('SQLite keeps a pending sign-in for at most 10 minutes (row expiry)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-sessions-'));
      const file = path.join(dir, 'sessions.sqlite');
      const store = new SqliteSessionStore(file);
      try {
        await buildTestApp({ sessionStore: store }).agent().get('/login/hosted').expect(302);
        const db = new Database(file, { readonly: true });
        const rows = db.prepare('SELECT expires FROM sessions').all() as Array<{ expires: number }>;
        db.close();
        expect(rows).to.have.length(1);
        expect((rows[0] as { expires: number }).expires - Date.now())
          .to.be.above(0)
          .and.at.most(TEN_MINUTES);
      } finally {
        store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('Redis keeps a pending sign-in for at most 10 minutes (key TTL)', async function () {
      this.timeout(20_000);
      const redis = await startTestRedis();
      const handle = createRedisSessionStore(redis.url, pino({ level: 'silent' }));
      const client = createClient({ url: redis.url });
      try {
        await handle.ready;
        await client.connect();
        const login = await buildTestApp({ sessionStore: handle.store }).agent().get('/login/hosted').expect(302);
        const ttl = await client.ttl(`sess:${sessionIdOf(sidOf(login) as string)}`);
        expect(ttl)
          .to.be.above(0)
          .and.at.most(TEN_MINUTES / 1000);
      } finally {
        await client.quit();
        await handle.close();
        await redis.destroy();
      }
    });
  });
});
