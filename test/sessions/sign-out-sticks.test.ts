import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import session from 'express-session';
import supertest from 'supertest';
import { createRedisStore, createSqliteStore, type SessionStoreHandle } from '../../src/sessions';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { testEmulator } from '../helpers/emulator';
import { csrfOf, submit } from '../helpers/forms';
import { holdFirstCall } from '../helpers/held-call';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const MINUTE = 60_000;

/** The reference app on `sessions`, its Cognito client holding the first UpdateUserAttributes (POST /profile) in flight. */
function appHoldingProfileSave(
  sessions: { handle?: SessionStoreHandle; store?: session.Store },
  options: { clock?: () => number; env?: Record<string, string> } = {},
) {
  const { client: real, emulator, ids } = testEmulator();
  const held = holdFirstCall(real, 'UpdateUserAttributesCommand');
  const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
  const t = buildTestApp({ ...options, sessions: sessions.handle, sessionStore: sessions.store, cognito: { settings, client: held.client } });
  return { t, held };
}

/**
 * One browser, two tabs (one cookie): tab 2 saves the profile form, slowly; tab 1 signs out meanwhile; tab 2
 * then finishes and saves its session. Resolves with the old cookie and the store the app wrote to.
 */
async function signOutWhileTab2Saves(
  t: TestApp,
  held: ReturnType<typeof holdFirstCall>,
  signOut: (tab1: supertest.Agent) => Promise<unknown>,
  beforeSave: () => void = () => undefined,
) {
  const user = await createConfirmedUser();
  const tab1 = t.agent();
  const signIn = await submit(tab1, '/login', '/login', { email: user.email, password: user.password });
  expect(signIn.status).to.equal(303);
  const cookie = sidOf(signIn)!;
  const tab2 = (req: supertest.Test) => req.set('Cookie', cookie);
  const form = await tab2(supertest(t.app).get('/profile')).expect(200);
  beforeSave();
  const saving = tab2(supertest(t.app).post('/profile'))
    .type('form')
    .send({ name: 'Late writer', _csrf: csrfOf(form.text) })
    .then((r) => r);
  await held.reached;
  await signOut(tab1);
  held.release();
  expect((await saving).status, 'tab 2 finishes and saves its session').to.equal(303);
  return { cookie, sid: sessionIdOf(cookie) };
}

async function postLogout(tab1: supertest.Agent): Promise<void> {
  const page = await tab1.get('/profile').expect(200);
  await tab1
    .post('/logout')
    .type('form')
    .send({ _csrf: csrfOf(page.text) })
    .expect(303);
}

describe('a sign-out sticks, whatever is in flight (the package’s own session)', function () {
  this.timeout(30_000);
  let redis: TestRedis;
  let dir: string;
  const handles: SessionStoreHandle[] = [];
  before(async () => {
    redis = await startTestRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-out-sticks-'));
  });
  after(async () => {
    try {
      for (const h of handles.splice(0)) await h.close();
    } finally {
      await redis?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  type Sessions = { handle?: SessionStoreHandle; store?: session.Store };
  const stores: Record<'memory' | 'sqlite' | 'redis', () => Promise<Sessions>> = {
    memory: () => Promise.resolve({ store: new session.MemoryStore() }),
    sqlite: () => Promise.resolve({ handle: createSqliteStore({ file: path.join(dir, `s-${handles.length}.sqlite`) }) }),
    redis: () => Promise.resolve({ handle: createRedisStore({ url: redis.url, prefix: `sticks-${handles.length}:` }) }),
  };

  for (const kind of ['memory', 'sqlite', 'redis'] as const) {
    it(`${kind}: POST /logout in tab 1 while tab 2 saves a form: the old cookie no longer opens /profile`, async () => {
      const sessions = await stores[kind]();
      if (sessions.handle) {
        handles.push(sessions.handle);
        await sessions.handle.ready;
      }
      const { t, held } = appHoldingProfileSave(sessions);
      const { cookie, sid } = await signOutWhileTab2Saves(t, held, postLogout);
      await supertest(t.app).get('/profile').set('Cookie', cookie).expect(303);
      expect(await storedSession(t.sessionStore, sid), 'not written back').to.equal(null);
    });
  }

  it('memory: an idle expiry seen by tab 1 while tab 2 (active a moment before) saves a form sticks too', async () => {
    let now = Date.now();
    const env = { SESSION_IDLE_TIMEOUT_SECONDS: String(30 * 60) };
    const { t, held } = appHoldingProfileSave({ store: new session.MemoryStore() }, { clock: () => now, env });
    // Tab 2 comes back after 29 minutes and refreshes the sign-in's last use as it saves…
    const advance = () => void (now += 29 * MINUTE);
    // …while tab 1, 2 minutes later, still sees the stored last use of 31 minutes ago: the sign-in ends.
    const expire = async (tab1: supertest.Agent) => {
      now += 2 * MINUTE;
      const res = await tab1.get('/profile').expect(303);
      expect(res.headers.location).to.contain('notice=session_expired');
    };
    const { cookie } = await signOutWhileTab2Saves(t, held, expire, advance);
    await supertest(t.app).get('/profile').set('Cookie', cookie).expect(303);
  });
});
