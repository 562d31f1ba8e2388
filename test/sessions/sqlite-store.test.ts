import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { signInThroughHostedUi } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

describe('SqliteSessionStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

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

  it('forgets expired sessions and sweeps them', async () => {
    const store = new SqliteSessionStore(path.join(dir, 's.sqlite'));
    try {
      const expired = { cookie: { expires: new Date(Date.now() - 1000), originalMaxAge: 1 } } as never;
      const fresh = { cookie: { expires: new Date(Date.now() + 60_000), originalMaxAge: 60_000 } } as never;
      await new Promise<void>((r, j) => store.set('old', expired, (e) => (e ? j(e) : r())));
      await new Promise<void>((r, j) => store.set('new', fresh, (e) => (e ? j(e) : r())));
      const got = await new Promise((r, j) => store.get('old', (e, s) => (e ? j(e) : r(s))));
      expect(got).to.equal(null);
      const count = await new Promise((r, j) => store.length((e, n) => (e ? j(e) : r(n))));
      expect(count).to.equal(1);
      store.sweep();
      const all = await new Promise<number>((r, j) => store.length((e, n) => (e ? j(e) : r(n as number))));
      expect(all).to.equal(1);
    } finally {
      store.close();
    }
  });
});
