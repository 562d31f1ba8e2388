import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { createMemoryStore } from '../../src/index';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import type { CognitoLocal } from '../../src/testing';
import { csrfOf } from '../helpers/forms';
import { holdFirstCall } from '../helpers/held-call';
import { hostKit } from '../helpers/host-kit';
import { buildHostApp } from './host-app';

const MINUTE = 60_000;

/** The host's `shop.sid=…` pair a response sets. */
function shopCookieOf(res: supertest.Response): string {
  const pair = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('shop.sid='))?.split(';')[0];
  expect(pair, 'a shop.sid cookie').to.be.a('string');
  return pair as string;
}

describe('the package on the host’s own express-session (against the test kit)', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;
  let dir: string;
  const closing: Array<() => void> = [];
  before(async () => {
    cognito = await hostKit();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-session-'));
  });
  after(() => {
    try {
      for (const close of closing.splice(0)) close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * One browser, two tabs: tab 2 saves the profile form (its Cognito call held in flight), tab 1 signs out
   * meanwhile, tab 2 finishes. Resolves with the old cookie.
   */
  async function signOutWhileTab2Saves(store: session.Store, signOut: (app: express.Express, cookie: string) => Promise<unknown>) {
    const held = holdFirstCall(cognito.client, 'UpdateUserAttributesCommand');
    const { app } = buildHostApp(cognito, { cognito: { ...cognito.options, client: held.client } }, store);
    const user = await cognito.createUser();
    const cookie = shopCookieOf(await cognito.signIn(supertest.agent(app), user));
    const form = await supertest(app).get('/account/profile').set('Cookie', cookie).expect(200);
    const saving = supertest(app)
      .post('/account/profile')
      .set('Cookie', cookie)
      .type('form')
      .send({ name: 'Late writer', _csrf: csrfOf(form.text) })
      .then((r) => r);
    await held.reached;
    await signOut(app, cookie);
    held.release();
    expect((await saving).status, 'tab 2 finishes and saves the session').to.equal(303);
    return { app, cookie };
  }

  const logout = async (app: express.Express, cookie: string) => {
    const page = await supertest(app).get('/account/profile').set('Cookie', cookie).expect(200);
    await supertest(app)
      .post('/account/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(303);
  };

  describe('a sign-out sticks, whatever is in flight', () => {
    const stores: Record<string, () => session.Store> = {
      memory: () => new session.MemoryStore(),
      sqlite: () => {
        const store = new SqliteSessionStore(path.join(dir, `host-${closing.length}.sqlite`));
        closing.push(() => store.close());
        return store;
      },
    };
    for (const [kind, make] of Object.entries(stores)) {
      it(`${kind}: POST /account/logout while tab 2 saves a form: the old cookie opens neither the profile nor a guarded page`, async () => {
        const { app, cookie } = await signOutWhileTab2Saves(make(), logout);
        await supertest(app).get('/account/profile').set('Cookie', cookie).expect(303);
        await supertest(app).get('/dashboard').set('Cookie', cookie).expect(303);
      });
    }

    it('memory: req.cognito.signOut() on a host route while tab 2 saves a form sticks too', async () => {
      const { app, cookie } = await signOutWhileTab2Saves(new session.MemoryStore(), (a, c) =>
        supertest(a).post('/leave').set('Cookie', c).expect(303),
      );
      await supertest(app).get('/dashboard').set('Cookie', cookie).expect(303);
    });
  });

  describe('lifetimes', () => {
    for (const [which, idle, absolute, steps] of [
      ['idle', 30 * 60, 12 * 60 * 60, [31]],
      ['absolute', 30 * 60, 60 * 60, [20, 20, 21]],
    ] as const) {
      it(`ends the sign-in at the ${which} timeout, on the server, and keeps what the host keeps in the session`, async () => {
        let now = Date.now();
        const { app } = buildHostApp(cognito, { clock: () => now, session: { idleTimeoutSeconds: idle, absoluteTimeoutSeconds: absolute } });
        const user = await cognito.createUser();
        const agent = supertest.agent(app);
        const cookie = shopCookieOf(await cognito.signIn(agent, user));
        for (const minutes of steps.slice(0, -1)) {
          now += minutes * MINUTE;
          await agent.get('/dashboard').expect(200);
        }
        now += steps[steps.length - 1]! * MINUTE;
        const res = await agent.get('/dashboard').expect(303);
        expect(res.headers.location).to.equal('/account/login?returnTo=%2Fdashboard&notice=session_expired');
        const who = (await agent.get('/whoami').expect(200)).body as { signedIn: boolean; greeted: string | null };
        expect(who).to.include({ signedIn: false, greeted: user.email });
        now -= 24 * 60 * MINUTE; // even back in time, the old session id is gone
        await supertest(app).get('/dashboard').set('Cookie', cookie).expect(303);
      });
    }
  });

  it('refuses a session option of its own beside the host’s express-session, naming the conflict (session_conflict)', async () => {
    const { app } = buildHostApp(cognito, { session: { store: createMemoryStore(), secret: 'x'.repeat(32) } });
    const res = await supertest(app).get('/account/login').expect(500);
    expect(res.text).to.match(/^shop error: session_conflict: another express-session already runs before cognitoAuth\(\)/);
  });
});
