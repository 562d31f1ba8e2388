import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import request from 'supertest';
import { createMemoryStore } from 'express-cognito-signin';
import { csrfTokenOf, startCognitoLocal, submitForm } from 'express-cognito-signin/testing';
import { createApp } from '../src/app.js';

const { version: expressVersion } = createRequire(import.meta.url)('express/package.json');

/** The origin the emulator's pool registers (its callback: <BASE_URL>/account/callback). Nothing listens there. */
const BASE_URL = 'http://localhost:3000';

/**
 * The CSP nonce of a response, and the nonces on its inline <style> and <script> elements.
 *
 * @param {import('supertest').Response} res
 */
function noncesOf(res) {
  const policy = String(res.headers['content-security-policy']);
  const allowed = [...policy.matchAll(/'nonce-([^']+)'/g)].map((m) => m[1]);
  const inline = [...res.text.matchAll(/<(?:style|script) nonce="([^"]+)">/g)].map((m) => m[1]);
  return { policy, allowed, inline };
}

describe(`Acme Notes on Express ${expressVersion}, with its sign-in pages under /account`, () => {
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
    assert.match(signupPage.text, /<header class="topbar" lang="en"><a class="logo" href="\/">Acme Notes<\/a>/);
    assert.match(signupPage.text, /<title>[^<]+ — Acme Notes<\/title>/);
    assert.match(signupPage.text, /<link rel="stylesheet" href="\/account\/[^"]+\.css"[^>]*>/, 'page.head: the package’s stylesheet');
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
    assert.match(dashboard.text, new RegExp(`<span class="who-email">${email}</span>`));
  });

  it('links a signed-out visitor from its own page’s header to the sign-in page, and back to that page after signing in', async () => {
    const user = await cognito.createUser();
    const agent = request.agent(app);
    const home = await agent.get('/').expect(200);
    const signInUrl = home.text.match(/<a class="who-signin" href="([^"]+)">Sign in<\/a>/)?.[1];
    assert.equal(signInUrl, '/account/login?returnTo=%2F', 'res.locals.cognito.signInUrl, rendered by Pug');

    const signIn = await submitForm(agent, signInUrl, { email: user.email, password: user.password });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/');
    const back = await agent.get('/').expect(200);
    assert.match(back.text, new RegExp(`<span class="who-email">${user.email}</span>`));
  });

  it('signs in with a code e-mailed to the address (read from the kit’s offline mailbox), back to /dashboard', async () => {
    const user = await cognito.createUser();
    const agent = request.agent(app);
    const toSignIn = (await agent.get('/dashboard').expect(303)).headers.location;

    const start = await submitForm(agent, toSignIn, { email: user.email, method: 'email-code' });
    assert.equal(start.status, 303);
    assert.equal(start.headers.location, '/account/login/code');
    const code = await cognito.latestCode(user.email, 'sign-in');
    const signIn = await submitForm(agent, start.headers.location, { code });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/dashboard');

    const me = await agent.get('/api/me').expect(200);
    assert.deepEqual(me.body, { sub: user.sub, email: user.email, signedInWith: 'email-code' });
  });

  it('signs in with a passkey (the kit’s software authenticator answers the page’s WebAuthn options), back to /dashboard', async () => {
    const user = await cognito.createUser();
    const { authenticator } = await cognito.passkeys.register(user);
    const agent = request.agent(app);
    const toSignIn = (await agent.get('/dashboard').expect(303)).headers.location;

    const start = await submitForm(agent, toSignIn, { email: user.email, method: 'passkey' });
    assert.equal(start.status, 303);
    assert.equal(start.headers.location, '/account/login/passkey');
    const page = await agent.get(start.headers.location).expect(200);
    const options = page.text.match(/<script type="application\/json" data-passkey-options>(.*?)<\/script>/s)?.[1];
    assert.ok(options, 'the WebAuthn options for the browser’s navigator.credentials.get()');
    const assertion = authenticator.get(JSON.parse(options));
    const signIn = await agent
      .post(start.headers.location)
      .type('form')
      .send({ credential: JSON.stringify(assertion), _csrf: csrfTokenOf(page.text, start.headers.location) });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/dashboard');

    const me = await agent.get('/api/me').expect(200);
    assert.deepEqual(me.body, { sub: user.sub, email: user.email, signedInWith: 'passkey' });
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

  it('runs the layout’s inline style and script under the strict CSP by their nonce, on its own pages and the package’s', async () => {
    for (const path of ['/', '/account/login', '/nowhere']) {
      const first = noncesOf(await request(app).get(path));
      assert.equal(first.allowed.length, 2, `${path}: a nonce in script-src and style-src: ${first.policy}`);
      assert.deepEqual(first.inline, [first.allowed[0], first.allowed[0]], `${path}: the layout’s <style> and <script> carry it`);
      assert.equal(first.allowed[1], first.allowed[0]);
      assert.doesNotMatch(first.policy, /unsafe-inline/);
      const second = noncesOf(await request(app).get(path));
      assert.notEqual(second.allowed[0], first.allowed[0], `${path}: a new nonce for every response`);
    }
  });

  it('signs out with the button in its own page’s header (res.locals.cognito.signOut): the start page says so', async () => {
    const agent = await cognito.signedInAgent(app, await cognito.createUser());
    const dashboard = await agent.get('/dashboard').expect(200);
    const form = dashboard.text.match(/<form class="who-sign-out" method="post" action="([^"]+)"><input type="hidden" name="_csrf" value="([^"]+)">/);
    assert.ok(form, 'the header’s sign-out form, with its CSRF token');
    assert.equal(form[1], '/account/logout');
    await agent.post('/account/logout').type('form').send({}).expect(403);

    const signOut = await agent.post(form[1]).type('form').send({ _csrf: form[2] });
    assert.equal(signOut.status, 303);
    assert.equal(signOut.headers.location, '/?notice=signed_out');

    const home = await agent.get(signOut.headers.location).expect(200);
    assert.match(home.text, /You have signed out\./);
    assert.match(home.text, /<a class="who-signin" href="\/account\/login\?returnTo=[^"]+">Sign in<\/a>/);
    assert.doesNotMatch(home.text, /who-sign-out/);
    await agent.get('/dashboard').expect(303);
    await agent.get('/api/me').set('Sec-Fetch-Mode', 'cors').set('Accept', '*/*').expect(401);
  });
});
