import assert from 'node:assert/strict';
import request from 'supertest';
import { createMemoryStore } from 'express-cognito-signin';
import { startCognitoLocal, submitForm } from 'express-cognito-signin/testing';
import { createApp } from '../src/app.js';

/** The origin the emulator's pool registers (its callback: <BASE_URL>/account/callback). Nothing listens there. */
const BASE_URL = 'http://localhost:3000';

describe('Acme Notes with sign-in mounted at /account', () => {
  /** @type {import('express-cognito-signin/testing').CognitoLocal} */
  let cognito;
  /** @type {import('express').Express} */
  let app;

  before(async () => {
    cognito = await startCognitoLocal({ baseUrl: BASE_URL, mountPath: '/account' });
    ({ app } = createApp({
      baseUrl: BASE_URL,
      cognito: cognito.options,
      session: { store: createMemoryStore(), secret: 'a-test-secret-of-at-least-32-characters' },
    }));
  });
  after(() => cognito?.stop());

  it('sends a signed-out visitor from /dashboard to the sign-in page, to come back to /dashboard', async () => {
    const res = await request(app).get('/dashboard').expect(303);
    const location = new URL(res.headers.location, BASE_URL);
    assert.equal(location.pathname, '/account/login');
    assert.equal(location.searchParams.get('returnTo'), '/dashboard');

    const api = await request(app).get('/api/me').set('Accept', 'application/json').expect(401);
    assert.equal(api.body.error, 'unauthenticated');
  });

  it('signs up, confirms with the e-mailed code, signs in and shows the user on the dashboard, in the app’s layout', async () => {
    const agent = request.agent(app);
    const email = `new-${Date.now()}@example.com`;
    const password = 'Correct-horse-9';

    const signupPage = await agent.get('/account/signup').expect(200);
    assert.match(signupPage.text, /<header class="topbar"[^>]*>\s*<a class="logo" href="\/">Acme&nbsp;Notes<\/a>/);
    assert.match(signupPage.text, /<title>[^<]+ — Acme Notes<\/title>/);
    assert.doesNotMatch(signupPage.text, /class="site-header"/, 'the package’s own header is replaced by the app’s');

    const signup = await submitForm(agent, '/account/signup', { email, password, passwordConfirm: password });
    assert.equal(signup.status, 303);
    assert.equal(signup.headers.location, '/account/signup/confirm');
    const code = await cognito.latestCode(email);
    const confirm = await submitForm(agent, '/account/signup/confirm', { email, code });
    assert.equal(confirm.status, 303);
    assert.equal(confirm.headers.location, '/account/login');

    const toSignIn = (await agent.get('/dashboard').expect(303)).headers.location;
    const signIn = await submitForm(agent, toSignIn, { email, password });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/dashboard');
    const dashboard = await agent.get('/dashboard').expect(200);
    assert.match(dashboard.text, new RegExp(`Signed in as <strong class="account-email">${email}</strong>`));
    assert.match(dashboard.text, /<span class="who-email">[^<]+<\/span>/);
  });

  it('gives a test a signed-in agent from the kit: the dashboard and /api/me answer for that user', async () => {
    const user = await cognito.createUser();
    const agent = await cognito.signedInAgent(app, user);

    const dashboard = await agent.get('/dashboard').expect(200);
    assert.ok(dashboard.text.includes(user.email));
    const me = await agent.get('/api/me').expect(200).expect('Content-Type', /json/);
    assert.deepEqual(me.body, { sub: user.sub, email: user.email, signedInWith: 'password' });
  });

  it('signs in through the emulator’s Hosted UI, started at /account/login/hosted', async () => {
    const user = await cognito.createUser();
    const agent = request.agent(app);
    const callback = await cognito.signInWithHostedUi(agent, user);
    assert.equal(callback.status, 303);
    assert.equal(callback.headers.location, '/dashboard');

    const dashboard = await agent.get('/dashboard').expect(200);
    assert.ok(dashboard.text.includes(user.email));
    assert.match(dashboard.text, /Signed in with<\/dt><dd>the Hosted UI/);
  });

  it('answers unknown paths with the app’s own 404 page, under /account too', async () => {
    for (const path of ['/nowhere', '/account/nowhere']) {
      const res = await request(app).get(path).expect(404);
      assert.match(res.text, /Acme Notes has no page at this address/, path);
    }
  });

  it('signs out from the dashboard: the start page says so and the dashboard asks to sign in again', async () => {
    const agent = await cognito.signedInAgent(app, await cognito.createUser());
    const signOut = await submitForm(agent, '/dashboard', {}, '/account/logout');
    assert.equal(signOut.status, 303);
    assert.equal(signOut.headers.location, '/?notice=signed_out');

    const home = await agent.get(signOut.headers.location).expect(200);
    assert.match(home.text, /You have signed out\./);
    assert.match(home.text, /class="who-signin" href="\/account\/login">Sign in</);
    await agent.get('/dashboard').expect(303);
    await agent.get('/api/me').set('Accept', 'application/json').expect(401);
  });
});
