import { expect } from 'chai';
import type { Options } from 'express-rate-limit';
import pino from 'pino';
import { createSessionStore } from '../../../src/app/session-store';
import { CognitoAuthError } from '../../../src/errors';
import { createRedisRateLimitStores } from '../../../src/router/routes/rate-limit';
import type { SessionStoreHandle } from '../../../src/sessions';
import { buildTestApp, SHORT_STORE_LIMIT, testConfig } from '../../helpers/app';
import { codeFromEmulator, csrfOf, submit } from '../../helpers/forms';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { createConfirmedUser } from '../../helpers/users';

const quiet = pino({ level: 'silent' });

/** What a store operation ended in: its value, or the error it threw. */
async function outcome(work: () => unknown): Promise<{ ok: true } | { ok: false; err: unknown }> {
  return Promise.resolve()
    .then(work)
    .then(
      () => ({ ok: true as const }),
      (err: unknown) => ({ ok: false as const, err }),
    );
}

/** Expects the 503 "store unavailable" error, never a raw Redis error (which would be a 500). */
function expectUnavailable(result: { ok: true } | { ok: false; err: unknown }, what: string): void {
  expect(result.ok, `${what} failed`).to.equal(false);
  const err = (result as { err: unknown }).err;
  expect(err, what).to.be.instanceOf(CognitoAuthError);
  expect((err as CognitoAuthError).code, what).to.equal('session_store_unavailable');
  expect((err as CognitoAuthError).status, what).to.equal(503);
}

describe('rate-limit counts in Redis (against a real redis-server)', function () {
  this.timeout(20_000);
  let redis: TestRedis;
  const handles: SessionStoreHandle[] = [];

  /** A Redis session store as server.ts makes it (timed), on its own connection. */
  async function redisHandle(env: Record<string, string> = {}): Promise<SessionStoreHandle> {
    const handle = createSessionStore(testConfig({ SESSION_STORE: 'redis', REDIS_URL: redis.url, ...env }), quiet);
    handles.push(handle);
    await handle.ready;
    return handle;
  }

  /** One limiter's store on the handle's connection, initialised as express-rate-limit does. */
  async function limiterStore(handle: SessionStoreHandle) {
    const store = createRedisRateLimitStores(handle.sendCommand!, `rl-test-${Math.random().toString(36).slice(2)}:`)('code-account');
    await store.init?.({ windowMs: 60_000 } as Options);
    return store;
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

  it('answers decrement and resetKey with the 503 error while Redis is stopped, and works again once it is back', async () => {
    const store = await limiterStore(await redisHandle());
    await store.increment('someone');
    try {
      await redis.stop();
      expectUnavailable(await outcome(() => store.decrement('someone')), 'decrement, Redis stopped');
      expectUnavailable(await outcome(() => store.resetKey('someone')), 'resetKey, Redis stopped');
    } finally {
      await redis.start();
    }
    let back = await outcome(() => store.increment('someone'));
    for (let i = 0; i < 50 && !back.ok; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      back = await outcome(() => store.increment('someone'));
    }
    expect(back.ok, 'increment once Redis is back').to.equal(true);
    expect((await outcome(() => store.decrement('someone'))).ok).to.equal(true);
    expect((await outcome(() => store.resetKey('someone'))).ok).to.equal(true);
  });

  it('answers decrement and resetKey with the 503 error while Redis hangs (paused), within the store time limit', async () => {
    const store = await limiterStore(await redisHandle(SHORT_STORE_LIMIT));
    await store.increment('someone');
    redis.pause();
    try {
      expectUnavailable(await outcome(() => store.decrement('someone')), 'decrement, Redis paused');
      expectUnavailable(await outcome(() => store.resetKey('someone')), 'resetKey, Redis paused');
    } finally {
      redis.resume();
    }
  });

  it('shares the wrong-code count of an account between two instances (RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT)', async () => {
    const [a, b] = [await redisHandle(), await redisHandle()];
    const prefix = `rl-shared-${Math.random().toString(36).slice(2)}:`;
    const env = { RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: '4' };
    const instanceA = buildTestApp({ env, sessions: a, rateLimitStores: createRedisRateLimitStores(a.sendCommand!, prefix) });
    const instanceB = buildTestApp({ env, sessions: b, rateLimitStores: createRedisRateLimitStores(b.sendCommand!, prefix) });
    const user = await createConfirmedUser();
    const agent = instanceA.agent();
    await submit(agent, '/password/forgot', '/password/forgot', { email: user.email });
    const right = codeFromEmulator(user.email);
    const wrong = right === '000000' ? '111111' : '000000';
    const fields = (code: string) => ({ email: user.email, code, password: 'N3w-Passw0rd!', passwordConfirm: 'N3w-Passw0rd!' });
    for (const [i, t] of [instanceA, instanceB, instanceA, instanceB].entries()) {
      const browser = t.agent();
      const csrf = csrfOf((await browser.get('/password/reset').expect(200)).text);
      expect(
        (
          await browser
            .post('/password/reset')
            .type('form')
            .send({ ...fields(wrong), _csrf: csrf })
        ).status,
        `wrong code ${i + 1}`,
      ).to.equal(400);
    }
    const last = instanceB.agent();
    const csrf = csrfOf((await last.get('/password/reset').expect(200)).text);
    expect(
      (
        await last
          .post('/password/reset')
          .type('form')
          .send({ ...fields(right), _csrf: csrf })
      ).status,
      'the right code on B after four wrong ones on A and B',
    ).to.equal(429);
  });
});
