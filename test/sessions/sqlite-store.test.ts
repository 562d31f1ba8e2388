import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import pino from 'pino';
import supertest from 'supertest';
import { createSessionStore } from '../../src/app/session-store';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import { buildTestApp, SHORT_STORE_LIMIT, testConfig } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { csrfOf, submit } from '../helpers/forms';
import { signInThroughHostedUi } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

/** Runs one store operation the express-session way: its callback's value, or its error as a rejection. */
function viaCallback<T>(call: (cb: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the store callback's error, passed on as it came
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));
}

/** Rows in the sessions table, expired or not, read through a connection of its own. */
function rowsIn(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('SqliteSessionStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves no statement of its own to the garbage collector: WAL mode is set without pragma(), which drops one (better-sqlite3 12 on Node.js 24.19+ aborts when such a statement is finalized)', () => {
    const file = path.join(dir, 'sessions.sqlite');
    // Counts pragma() calls on every connection while the store opens (restored after).
    const original = Object.getOwnPropertyDescriptor(Database.prototype, 'pragma') as PropertyDescriptor;
    let pragmas = 0;
    Object.defineProperty(Database.prototype, 'pragma', {
      ...original,
      value(this: Database.Database, ...args: unknown[]): unknown {
        pragmas += 1;
        return Reflect.apply(original.value as (...a: unknown[]) => unknown, this, args);
      },
    });
    try {
      new SqliteSessionStore(file).close();
    } finally {
      Object.defineProperty(Database.prototype, 'pragma', original);
    }
    expect(pragmas).to.equal(0);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      db.close();
    }
  });

  it('keeps a signed-in session across an app restart', async () => {
    const file = path.join(dir, 'sessions.sqlite');
    const firstStore = new SqliteSessionStore(file);
    const first = buildTestApp({ sessionStore: firstStore });
    const user = await createConfirmedUser();
    const callback = await signInThroughHostedUi(first.agent(), user);
    const cookie = sidOf(callback) as string;
    firstStore.close();

    const secondStore = new SqliteSessionStore(file);
    try {
      const second = buildTestApp({ sessionStore: secondStore });
      const res = await supertest(second.app).get('/complete').set('Cookie', cookie).expect(200);
      expect(res.text).to.contain(user.email);
    } finally {
      secondStore.close();
    }
  });

  it('forgets expired sessions and sweeps them from the table', async () => {
    const file = path.join(dir, 's.sqlite');
    const store = new SqliteSessionStore(file);
    try {
      const expired = { cookie: { expires: new Date(Date.now() - 1000), originalMaxAge: 1 } } as never;
      const fresh = { cookie: { expires: new Date(Date.now() + 60_000), originalMaxAge: 60_000 } } as never;
      await viaCallback((cb) => store.set('old', expired, cb));
      await viaCallback((cb) => store.set('new', fresh, cb));
      const got = await viaCallback((cb) => store.get('old', cb));
      expect(got).to.equal(null);
      const count = await viaCallback((cb) => store.length(cb));
      expect(count).to.equal(1);
      expect(rowsIn(file), 'the expired row is still stored before the sweep').to.equal(2);
      store.sweep();
      expect(rowsIn(file)).to.equal(1);
      const kept = await viaCallback((cb) => store.get('new', cb));
      expect(kept).to.not.equal(null);
    } finally {
      store.close();
    }
  });

  it('answers a sign-in and /readyz with 503 within 5 s while another connection holds the database locked, serving other requests meanwhile, and works again once it lets go', async () => {
    const config = testConfig({ SESSION_STORE: 'sqlite', DATA_DIR: dir, ...SHORT_STORE_LIMIT });
    const handle = createSessionStore(config, pino({ level: 'silent' }));
    const locker = new Database(path.join(dir, 'sessions.sqlite'));
    try {
      const t = buildTestApp({ config, sessions: handle, readiness: { sessionStore: handle.ping } });
      const user = await createConfirmedUser();
      const agent = t.agent();
      const form = await agent.get('/login').expect(200);
      await supertest(t.app).get('/readyz').expect(200);

      locker.exec('BEGIN EXCLUSIVE');
      const finished: string[] = [];
      const track = <T>(name: string, request: PromiseLike<T>) => Promise.resolve(request).then((res) => (finished.push(name), res));
      // The 5 s are the requirement itself: each request fails (supertest's timeout) if it is not answered by then.
      const signingIn = track(
        'sign-in',
        agent
          .post('/login')
          .set('Accept-Language', 'en')
          .type('form')
          .timeout(5000)
          .send({ email: user.email, password: user.password, _csrf: csrfOf(form.text) }),
      );
      const ready = track('readyz', supertest(t.app).get('/readyz').timeout(5000));
      await track('healthz', supertest(t.app).get('/healthz').expect(200));
      const [signIn, readyz] = await Promise.all([signingIn, ready]);
      locker.exec('ROLLBACK');

      expect(signIn.status).to.equal(503);
      expect(signIn.text).to.contain('Sessions are unavailable for a moment');
      expect(readyz.status).to.equal(503);
      expect((readyz.body as { checks: Record<string, unknown> }).checks.sessionStore).to.equal('failing');
      expect(finished[0], 'the process is not frozen while it waits for the lock').to.equal('healthz');

      await supertest(t.app).get('/readyz').expect(200);
      expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
    } finally {
      locker.close();
      await handle.close();
    }
  });
});
