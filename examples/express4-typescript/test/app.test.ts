import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Express } from 'express';
import request from 'supertest';
import { createMemoryStore } from 'express-cognito-signin';
import { startCognitoLocal, submitForm, type CognitoLocal } from 'express-cognito-signin/testing';
import { createApp } from '../src/app.js';

/** The origin the emulator's pool registers (callback `<BASE_URL>/account/callback`). Nothing listens there. */
const BASE_URL = 'http://localhost:3000';
const SECRET = 'a-test-secret-of-at-least-32-characters';
const { version: expressVersion } = createRequire(import.meta.url)('express/package.json') as { version: string };

describe(`Parts Depot on Express ${expressVersion}`, () => {
  let cognito: CognitoLocal;
  let app: Express;

  before(async () => {
    cognito = await startCognitoLocal({ baseUrl: BASE_URL, mountPath: '/account' });
    app = createApp({ baseUrl: BASE_URL, cognito: cognito.options, session: { store: createMemoryStore(), secret: SECRET } });
  });
  after(() => cognito?.stop());

  describe('GET /orders', () => {
    it('sends a signed-out visitor to the sign-in page, to come back to /orders', async () => {
      const res = await request(app).get('/orders').set('Accept', 'text/html').expect(303);
      const location = new URL(res.headers.location as string, BASE_URL);
      assert.equal(location.pathname, '/account/login');
      assert.equal(location.searchParams.get('returnTo'), '/orders');
    });

    it('shows a signed-in user their orders, with a sign-out button in the header', async () => {
      const user = await cognito.createUser();
      const agent = await cognito.signedInAgent(app, user);
      const res = await agent.get('/orders').expect(200);
      assert.match(res.text, /<ul class="orders"><li>Hex bolts M6 \(100\) × 2<\/li><\/ul>/);
      assert.match(res.text, new RegExp(`<span class="who">${user.email}</span><form method="post" action="/account/logout" class="sign-out">`));
    });

    it('answers its own error page when the order book fails (Express 4 never sees the rejection)', async () => {
      const errors: unknown[] = [];
      const broken = createApp({
        baseUrl: BASE_URL,
        cognito: cognito.options,
        session: { store: createMemoryStore(), secret: SECRET },
        orders: { list: async () => Promise.reject(new Error('the database is down')) },
        logError: (err) => errors.push(err),
      });
      const agent = await cognito.signedInAgent(broken, await cognito.createUser());
      const page = await agent.get('/orders').expect(500);
      assert.match(page.text, /<h1>Something went wrong<\/h1>/);
      const api = await agent.get('/api/orders').expect(500);
      assert.deepEqual(api.body, { error: 'internal' });
      assert.deepEqual(
        errors.map((err) => (err as Error).message),
        ['the database is down', 'the database is down'],
      );
    });
  });

  describe('GET /api/orders', () => {
    it('answers a signed-out fetch() with 401 JSON, and a signed-out page navigation with the sign-in page', async () => {
      // What fetch('/api/orders') sends by default from a page of the app.
      const fetched = await request(app).get('/api/orders').set('Accept', '*/*').set('Sec-Fetch-Mode', 'cors').set('Sec-Fetch-Dest', 'empty').expect(401);
      assert.equal(fetched.body.error, 'unauthenticated');
      assert.match(fetched.body.signInUrl, /^\/account\/login/);

      const opened = await request(app).get('/api/orders').set('Accept', 'text/html,application/xhtml+xml').set('Sec-Fetch-Mode', 'navigate').expect(303);
      assert.match(opened.headers.location as string, /^\/account\/login\?returnTo=%2Fapi%2Forders/);
    });

    it('gives a signed-in user their orders as JSON', async () => {
      const user = await cognito.createUser();
      const agent = await cognito.signedInAgent(app, user);
      const res = await agent.get('/api/orders').set('Sec-Fetch-Mode', 'cors').expect(200).expect('Content-Type', /json/);
      assert.deepEqual(res.body, { orders: [{ id: `${user.sub.slice(0, 8)}-1`, item: 'Hex bolts M6 (100)', quantity: 2 }] });
    });
  });

  describe('POST /account/logout', () => {
    it('signs out with the header’s button (res.locals.cognito.signOut), and refuses a post without its token', async () => {
      const agent = await cognito.signedInAgent(app, await cognito.createUser());
      await agent.post('/account/logout').type('form').send({}).expect(403);
      await agent.get('/orders').expect(200);

      const signOut = await submitForm(agent, '/orders', {}, '/account/logout');
      assert.equal(signOut.status, 303);
      const home = await agent.get(signOut.headers.location as string).expect(200);
      assert.match(home.text, /<a class="sign-in" href="\/account\/login\?returnTo=[^"]+">Sign in<\/a>/);
      await agent.get('/orders').set('Accept', 'text/html').expect(303);
    });
  });

  describe('the test kit', () => {
    it('signs in 20 agents in a row with signedInAgent(): its emulator options relax the sign-in rate limits', async () => {
      for (let i = 1; i <= 20; i += 1) {
        const user = await cognito.createUser();
        const agent = await cognito.signedInAgent(app, user);
        const res = await agent.get('/api/orders').expect(200);
        assert.equal(res.body.orders.length, 1, `agent ${i}`);
      }
    });
  });
});
