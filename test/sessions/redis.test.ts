import { expect } from 'chai';
import pino from 'pino';
import supertest from 'supertest';
import { createRedisRateLimitStores } from '../../src/router/routes/rate-limit';
import { createSessionStore } from '../../src/app/session-store';
import type { SessionStoreHandle } from '../../src/sessions';
import { buildTestApp, SHORT_STORE_LIMIT, testConfig } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { csrfOf, submit } from '../helpers/forms';
import { REFUSED_PORT } from '../helpers/ports';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { within } from '../helpers/server-process';
import { createConfirmedUser } from '../helpers/users';

const quiet = pino({ level: 'silent' });

/** The sid cookie of a response, as a Cookie header value. */
const sidCookie = (res: { headers: Record<string, unknown> }) => sidOf(res) as string;

describe('Redis sessions (against a real redis-server)', function () {
  this.timeout(20_000);
  let redis: TestRedis;
  const handles: SessionStoreHandle[] = [];
  /** The Redis store as server.ts makes it (timed), on its own connection: one app instance's. */
  async function redisStore(env: Record<string, string> = {}): Promise<SessionStoreHandle> {
    const handle = createSessionStore(testConfig({ SESSION_STORE: 'redis', REDIS_URL: redis.url, ...env }), quiet);
    handles.push(handle);
    await handle.ready;
    return handle;
  }

  before(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });
  after(async () => {
    await redis.destroy();
  });

  /** Rate-limit stores on the handle's connection, under a prefix of this test's own. */
  const rateLimitStoresOf = (handle: SessionStoreHandle) =>
    createRedisRateLimitStores(handle.sendCommand!, `rl-test-${Math.random().toString(36).slice(2)}:`);

  it('lets two instances share sessions with no sticky routing: sign in on A, use B, sign out on B, A refuses', async () => {
    const a = buildTestApp({ sessions: await redisStore() });
    const b = buildTestApp({ sessions: await redisStore() });
    const user = await createConfirmedUser();
    const login = await submit(a.agent(), '/login', '/login', { email: user.email, password: user.password });
    expect(login.status).to.equal(303);
    const cookie = sidCookie(login);

    const onB = await supertest(b.app).get('/complete').set('Cookie', cookie).expect(200);
    expect(onB.text).to.contain(user.email);
    const out = await supertest(b.app)
      .post('/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfOf(onB.text) });
    expect(out.status).to.equal(303);

    await supertest(a.app).get('/complete').set('Cookie', cookie).expect(303).expect('Location', '/');
  });

  it('keeps sessions across an app restart', async () => {
    const first = await redisStore();
    const user = await createConfirmedUser();
    const login = await submit(buildTestApp({ sessions: first }).agent(), '/login', '/login', { email: user.email, password: user.password });
    await first.close();
    const restarted = buildTestApp({ sessions: await redisStore() });
    expect((await supertest(restarted.app).get('/complete').set('Cookie', sidCookie(login)).expect(200)).text).to.contain(user.email);
  });

  it('answers 503 while Redis is down, keeps running, and recovers by itself when it is back', async () => {
    const handle = await redisStore();
    const t = buildTestApp({ sessions: handle });
    const user = await createConfirmedUser();
    const cookie = sidCookie(await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password }));

    await redis.stop();
    try {
      const down = await supertest(t.app).get('/complete').set('Cookie', cookie).set('Accept-Language', 'en');
      expect(down.status).to.equal(503);
      expect(down.text).to.contain('Sessions are unavailable for a moment');
      expect(await handle.ping()).to.equal(false);
      await supertest(t.app).get('/').expect(200); // pages without a session still work
    } finally {
      await redis.start();
    }
    for (let i = 0; i < 100 && !(await handle.ping()); i += 1) await new Promise((r) => setTimeout(r, 50));
    const back = await supertest(t.app).get('/complete').set('Cookie', cookie).expect(200);
    expect(back.text).to.contain(user.email);
  });

  it('answers a signed-in page, the sign-in page and /readyz with 503 within 5 s while Redis hangs, and serves again after it resumes', async () => {
    const handle = await redisStore(SHORT_STORE_LIMIT);
    const t = buildTestApp({ sessions: handle, readiness: { sessionStore: handle.ping }, rateLimitStores: rateLimitStoresOf(handle) });
    const user = await createConfirmedUser();
    const cookie = sidCookie(await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password }));
    await supertest(t.app).get('/readyz').expect(200);

    redis.pause();
    try {
      // The 5 s are the requirement itself: each request fails (supertest's timeout) if it is not answered by then.
      const [page, signIn, ready] = await Promise.all([
        supertest(t.app).get('/complete').set('Cookie', cookie).set('Accept-Language', 'en').timeout(5000),
        // No session cookie: only the rate limiter asks Redis.
        supertest(t.app).get('/login').set('Accept-Language', 'en').timeout(5000),
        supertest(t.app).get('/readyz').timeout(5000),
      ]);
      expect(page.status).to.equal(503);
      expect(page.text).to.contain('Sessions are unavailable for a moment');
      expect(signIn.status).to.equal(503);
      expect(ready.status).to.equal(503);
      expect((ready.body as { checks: Record<string, unknown> }).checks.sessionStore).to.equal('failing');
    } finally {
      redis.resume();
    }

    // By itself: no readiness probe runs meanwhile. After a failure the store is left alone for a second.
    let back = await supertest(t.app).get('/complete').set('Cookie', cookie);
    for (let i = 0; i < 50 && back.status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      back = await supertest(t.app).get('/complete').set('Cookie', cookie);
    }
    expect(back.status).to.equal(200);
    expect(back.text).to.contain(user.email);
    await supertest(t.app).get('/login').expect(200);
    await supertest(t.app).get('/readyz').expect(200);
  });

  it('shares failed sign-in counts between two instances on one Redis', async () => {
    const [a, b] = await Promise.all([redisStore(), redisStore()]);
    // One prefix for both, as server.ts gives every instance.
    const prefix = `rl-test-${Math.random().toString(36).slice(2)}:`;
    const env = { RATE_LIMIT_SIGNIN_FAILURES: '3' };
    const onA = buildTestApp({ env, sessions: a, rateLimitStores: createRedisRateLimitStores(a.sendCommand!, prefix) });
    const onB = buildTestApp({ env, sessions: b, rateLimitStores: createRedisRateLimitStores(b.sendCommand!, prefix) });
    const user = await createConfirmedUser();
    const wrong = { email: user.email, password: 'Wr0ng-Password!' };
    expect((await submit(onA.agent(), '/login', '/login', wrong)).status).to.equal(401);
    expect((await submit(onA.agent(), '/login', '/login', wrong)).status).to.equal(401);
    await a.sendCommand!('SCRIPT', 'FLUSH'); // as after a Redis restart: the limiters load their scripts again
    expect((await submit(onB.agent(), '/login', '/login', wrong)).status).to.equal(401);
    const blocked = await submit(onB.agent(), '/login', '/login', { email: user.email, password: user.password });
    expect(blocked.status, 'the fourth attempt, the first on B').to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
  });

  it('closes a store whose Redis never came up at once, and one whose Redis is paused within its time limit, rather than waiting for an answer', async function () {
    this.timeout(8000);
    const nowhere = createSessionStore(testConfig({ SESSION_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${REFUSED_PORT}` }), quiet);
    nowhere.ready.catch(() => undefined);
    await nowhere.close();
    const paused = await redisStore(SHORT_STORE_LIMIT);
    redis.pause();
    try {
      // Its own time limit (500 ms here), not the default 2 s; the margin is for a busy machine.
      await within(paused.close(), 1500, 'close() of a store on a paused Redis');
    } finally {
      redis.resume();
    }
    expect(await paused.ping(), 'closed').to.equal(false);
  });

  it('limits requests once Redis comes up after the app started, and answers 503 until then', async () => {
    await redis.stop();
    const handle = createSessionStore(testConfig({ SESSION_STORE: 'redis', REDIS_URL: redis.url }), quiet);
    handles.push(handle);
    handle.ready.catch(() => undefined);
    const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '2' }, sessions: handle, rateLimitStores: rateLimitStoresOf(handle) });
    try {
      const down = await supertest(t.app).get('/login').set('Accept-Language', 'en');
      expect(down.status).to.equal(503);
      expect(down.text).to.contain('Sessions are unavailable for a moment');
    } finally {
      await redis.start();
    }
    for (let i = 0; i < 100 && !(await handle.ping()); i += 1) await new Promise((r) => setTimeout(r, 50));
    await supertest(t.app).get('/login').expect(200);
    await supertest(t.app).get('/login').expect(200);
    await supertest(t.app).get('/login').expect(429);
  });
});
