import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import session from 'express-session';
import pino from 'pino';
import { createClient } from 'redis';
import { createRedisSessionStore } from '../../src/sessions';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import { userSessionIndexFor } from '../../src/sessions/store-indexes';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { submit } from '../helpers/forms';
import { STORE_KINDS, useSharedStores } from '../helpers/shared-stores';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const quiet = pino({ level: 'silent' });
const NEW_PASSWORD = 'Ch4nged-Passw0rd!';

describe('ending every session of a user on a credential change (per-user session index)', function () {
  this.timeout(30_000);
  const fixture = useSharedStores('user-sessions-');

  for (const kind of STORE_KINDS) {
    it(`${kind}: a password change in browser A (instance X) signs browser B (instance Y) out on its next request; A stays signed in with a new id`, async () => {
      const { stores, index } = await fixture.shared(kind);
      const x = buildTestApp({ sessionStore: stores[0] });
      const y = buildTestApp({ sessionStore: stores[1] });
      const user = await createConfirmedUser();
      const a = x.agent();
      const b = y.agent();
      const loginA = await submit(a, '/login', '/login', { email: user.email, password: user.password });
      const loginB = await submit(b, '/login', '/login', { email: user.email, password: user.password });
      expect([loginA.status, loginB.status]).to.deep.equal([303, 303]);
      const [sidA, sidB] = [sessionIdOf(sidOf(loginA)!), sessionIdOf(sidOf(loginB)!)];
      expect(await index.list(user.sub)).to.have.members([sidA, sidB]);
      await b.get('/profile').expect(200);

      const change = await submit(a, '/password/change', '/password/change', {
        currentPassword: user.password,
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
      expect(change.status).to.equal(303);
      expect(change.headers.location).to.equal('/profile');
      const newSidA = sessionIdOf(sidOf(change)!);
      expect(newSidA).to.not.equal(sidA);

      await b.get('/profile').expect(303).expect('Location', '/login?returnTo=%2Fprofile&notice=signed_in_required');
      expect((await a.get('/profile').expect(200)).text).to.contain('Your password was changed');
      expect(await storedSession(stores[1], sidB), "B's session in the store").to.equal(null);
      expect(await storedSession(stores[0], sidA), "A's old session id in the store").to.equal(null);
      expect(await storedSession(stores[1], newSidA), "A's new session, seen from the other instance").to.not.equal(null);
      expect(await index.list(user.sub)).to.deep.equal([newSidA]);
    });
  }

  it('costs an ordinary signed-in request nothing: no index call and no extra store call (counted)', async () => {
    const store = new session.MemoryStore();
    const index = userSessionIndexFor(store);
    const calls: string[] = [];
    for (const name of ['add', 'remove', 'list', 'markEnded', 'wasEnded'] as const) {
      const original = index[name].bind(index) as (...args: unknown[]) => Promise<unknown>;
      (index as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (calls.push(`index.${name}`), original(...args));
    }
    for (const name of ['get', 'set', 'touch', 'destroy'] as const) {
      const original = (store[name] as (...args: unknown[]) => unknown).bind(store);
      (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (calls.push(`store.${name}`), original(...args));
    }
    const t = buildTestApp({ sessionStore: store });
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    expect(calls, 'a sign-in registers its session').to.include('index.add');
    await agent.get('/complete').expect(200); // the first page after sign-in stores its new CSRF token
    calls.length = 0;
    for (let i = 0; i < 10; i += 1) await agent.get('/complete').expect(200);
    expect(calls.filter((c) => c.startsWith('index.'))).to.deep.equal([]);
    // A read per request; no touch either (a busy session is stored again once a minute: lifetime-refresh.test.ts).
    expect(calls, 'only a read per request').to.deep.equal(Array.from({ length: 10 }, () => 'store.get'));
  });

  it('sqlite: keeps index entries and ended marks no longer than their sessions can live (rows counted in the file)', async () => {
    const file = path.join(fixture.dir, 'index.sqlite');
    const store = new SqliteSessionStore(file);
    fixture.onCleanup(() => store.close());
    const now = Date.now();
    await store.userSessions.add('user-1', 'gone', now - 1);
    await store.userSessions.add('user-1', 'live', now + 60_000);
    await store.userSessions.markEnded(['old-mark'], now - 1);
    await store.userSessions.markEnded(['new-mark'], now + 60_000);
    expect(await store.userSessions.list('user-1')).to.deep.equal(['live']);
    store.sweep();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT sid FROM user_sessions').all()).to.deep.equal([{ sid: 'live' }]);
      expect(db.prepare('SELECT sid FROM ended_sessions').all()).to.deep.equal([{ sid: 'new-mark' }]);
    } finally {
      db.close();
    }
  });

  it('redis: a user key expires with its last session, drops expired members, and ended marks expire', async () => {
    const handle = createRedisSessionStore(fixture.redisUrl, quiet, 'idx-test:');
    await handle.ready;
    fixture.onCleanup(() => handle.close());
    const raw = createClient({ url: fixture.redisUrl });
    await raw.connect();
    fixture.onCleanup(async () => {
      await raw.quit();
    });
    const now = Date.now();
    await handle.userSessions.add('user-1', 'only-expired', now - 1);
    expect(await raw.exists('users:idx-test:user-1'), 'a key whose only session expired is gone').to.equal(0);
    await handle.userSessions.add('user-2', 'live', now + 60_000);
    await handle.userSessions.add('user-2', 'stale', now - 1);
    const ttl = await raw.pTTL('users:idx-test:user-2');
    expect(ttl, 'the key lives as long as its longest session').to.be.greaterThan(50_000).and.at.most(60_000);
    await handle.userSessions.add('user-2', 'another', now + 30_000);
    expect(await raw.zRange('users:idx-test:user-2', 0, -1)).to.deep.equal(['another', 'live']);
    await handle.userSessions.markEnded(['sid-1'], Date.now() + 5_000);
    const markTtl = await raw.pTTL('ended:idx-test:sid-1');
    expect(markTtl).to.be.greaterThan(0).and.at.most(5_000);
    expect(await handle.userSessions.wasEnded('sid-1')).to.equal(true);
    expect(await raw.keys('idx-test:*'), "nothing under the sessions' own prefix").to.deep.equal([]);
  });
});
