import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import session from 'express-session';
import pino from 'pino';
import { createSessionStore } from '../../src/app/session-store';
import { createSqliteStore, type SessionStoreHandle } from '../../src/sessions';
import { buildTestApp, testConfig } from '../helpers/app';
import { submit } from '../helpers/forms';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { sidOf } from '../helpers/cookies';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const MINUTE = 60_000;

/**
 * The package's own session keeps a signed-in session's tokens out of express-session's change check
 * (auth/hidden-tokens.ts): these tests show the store still holds them whenever it writes the session.
 */
describe('the tokens in the store when a session in use is written again', () => {
  let redis: TestRedis;
  let dir: string;
  const handles: SessionStoreHandle[] = [];
  before(async () => {
    redis = await startTestRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hidden-tokens-'));
  });
  after(async () => {
    for (const handle of handles) await handle.close();
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stores: Record<string, () => Promise<{ handle?: SessionStoreHandle; store?: session.Store }>> = {
    memory: () => Promise.resolve({ store: new session.MemoryStore() }),
    sqlite: () => {
      const handle = createSqliteStore({ file: path.join(dir, `s-${handles.length}.sqlite`) });
      handles.push(handle);
      return Promise.resolve({ handle });
    },
    redis: async () => {
      const handle = createSessionStore(testConfig({ SESSION_STORE: 'redis', REDIS_URL: redis.url }), pino({ level: 'silent' }));
      handles.push(handle);
      await handle.ready;
      return { handle };
    },
  };

  for (const [name, open] of Object.entries(stores)) {
    it(`keeps the tokens in the record when the minute's write of the lifetime saves it, and no copy of the ID token's claims (${name})`, async () => {
      let offset = 0;
      const { handle, store } = await open();
      const t = buildTestApp({ sessions: handle, sessionStore: store, clock: () => Date.now() + offset });
      const user = await createConfirmedUser();
      const agent = t.agent();
      const signIn = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      expect(signIn.status).to.equal(303);
      const sid = sessionIdOf(sidOf(signIn) as string);
      const before = await storedSession(t.sessionStore, sid);
      offset = 2 * MINUTE; // a session in use is saved again once its last-seen time is a minute old
      await agent.get('/complete').expect(200);
      const after = await storedSession(t.sessionStore, sid);
      expect(after?.cognito?.lastSeenAt, 'written again').to.be.greaterThan(before?.cognito?.lastSeenAt as number);
      expect(after?.cognito?.tokens?.accessToken).to.be.a('string');
      expect(after?.cognito?.tokens).to.deep.equal(before?.cognito?.tokens);
      expect(before?.cognito, 'the claims are read from the ID token').to.not.have.property('claims');
      expect(after?.cognito).to.not.have.property('claims');
      const page = await agent.get('/complete').expect(200);
      expect(page.text).to.contain(user.email);
      expect(page.text, 'the claims shown').to.contain('&#34;token_use&#34;: &#34;id&#34;');
    });
  }
});
