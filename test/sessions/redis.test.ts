import { expect } from 'chai';
import pino from 'pino';
import supertest from 'supertest';
import { createRedisSessionStore, type SessionStoreHandle } from '../../src/sessions';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { csrfOf, submit } from '../helpers/forms';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { createConfirmedUser } from '../helpers/users';

const quiet = pino({ level: 'silent' });

/** The sid cookie of a response, as a Cookie header value. */
const sidCookie = (res: { headers: Record<string, unknown> }) => sidOf(res) as string;

describe('Redis sessions (against a real redis-server)', function () {
  this.timeout(20_000);
  let redis: TestRedis;
  const handles: SessionStoreHandle[] = [];
  async function redisStore(): Promise<SessionStoreHandle> {
    const handle = createRedisSessionStore(redis.url, quiet);
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

  it('lets two instances share sessions with no sticky routing: sign in on A, use B, sign out on B, A refuses', async () => {
    const a = buildTestApp({ sessionStore: (await redisStore()).store });
    const b = buildTestApp({ sessionStore: (await redisStore()).store });
    const user = await createConfirmedUser();
    const login = await submit(a.agent(), '/login', '/login', { email: user.email, password: user.password });
    expect(login.status).to.equal(303);
    const cookie = sidCookie(login);

    const onB = await supertest(b.app).get('/complete').set('Cookie', cookie).expect(200);
    expect(onB.text).to.contain(user.email);
    const out = await supertest(b.app).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrfOf(onB.text) });
    expect(out.status).to.equal(303);

    await supertest(a.app).get('/complete').set('Cookie', cookie).expect(303).expect('Location', '/');
  });

  it('keeps sessions across an app restart', async () => {
    const first = await redisStore();
    const user = await createConfirmedUser();
    const login = await submit(buildTestApp({ sessionStore: first.store }).agent(), '/login', '/login', { email: user.email, password: user.password });
    await first.close();
    const restarted = buildTestApp({ sessionStore: (await redisStore()).store });
    expect((await supertest(restarted.app).get('/complete').set('Cookie', sidCookie(login)).expect(200)).text).to.contain(user.email);
  });

  it('answers 503 while Redis is down, keeps running, and recovers by itself when it is back', async () => {
    const handle = await redisStore();
    const t = buildTestApp({ sessionStore: handle.store });
    const user = await createConfirmedUser();
    const cookie = sidCookie(await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password }));

    await redis.stop();
    const down = await supertest(t.app).get('/complete').set('Cookie', cookie).set('Accept-Language', 'en');
    expect(down.status).to.equal(503);
    expect(down.text).to.contain('Sessions are unavailable for a moment');
    expect(await handle.ping()).to.equal(false);
    await supertest(t.app).get('/').expect(200); // pages without a session still work

    await redis.start();
    for (let i = 0; i < 100 && !(await handle.ping()); i += 1) await new Promise((r) => setTimeout(r, 50));
    const back = await supertest(t.app).get('/complete').set('Cookie', cookie).expect(200);
    expect(back.text).to.contain(user.email);
  });
});
