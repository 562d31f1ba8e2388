import { expect } from 'chai';
import session from 'express-session';
import supertest from 'supertest';
import { buildTestApp, productionConfigFor } from '../../helpers/app';
import { setCookieOf } from '../../helpers/cookies';
import { csrfOf, submit } from '../../helpers/forms';
import { buildHostApp } from '../../helpers/host-apps';
import { startTestIssuer, type TestIssuer } from '../../helpers/test-issuer';
import { createConfirmedUser } from '../../helpers/users';

/** A memory store that counts its writes. */
function countingStore() {
  const store = new session.MemoryStore();
  const writes: string[] = [];
  const set = store.set.bind(store);
  store.set = (sid, sess, cb) => (writes.push(sid), set(sid, sess, cb));
  return { store, writes };
}

describe('signed-in forms keep the synchronizer token, a new one with every sign-in', () => {
  it('refuses a signed-out form posted after signing in in another tab (the form has expired), and takes the signed-in forms', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    const staleTab = await agent.get('/login').expect(200);
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);

    const stale = await agent
      .post('/login')
      .type('form')
      .send({ ...user, _csrf: csrfOf(staleTab.text) });
    expect(stale.status).to.equal(403);
    expect(stale.text).to.contain('data-code="csrf_invalid"');
    await agent.get('/complete').expect(200);

    const profile = await agent.get('/profile').expect(200);
    expect(csrfOf(profile.text), 'a token of the other kind').to.not.equal(csrfOf(staleTab.text));
    expect(
      (
        await agent
          .post('/logout')
          .type('form')
          .send({ _csrf: csrfOf(profile.text) })
      ).status,
    ).to.equal(303);
  });

  it('refuses a signed-in form once the sign-in has ended (signed out in another tab)', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    const profile = await agent.get('/profile').expect(200);
    expect((await submit(agent, '/profile', '/logout', {})).status).to.equal(303);
    const stale = await agent
      .post('/profile/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfOf(profile.text) });
    expect(stale.status).to.equal(403);
  });

  it('gives every sign-in a new token: the one of the sign-in before no longer works', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    const before = csrfOf((await agent.get('/profile').expect(200)).text);
    // Signing in again (a stale tab's sign-in page, reloaded) starts a new session with a new token.
    await agent.post('/logout').type('form').send({ _csrf: before }).expect(303);
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    const after = csrfOf((await agent.get('/profile').expect(200)).text);
    expect(after).to.not.equal(before);
    expect((await agent.post('/logout').type('form').send({ _csrf: before })).status).to.equal(403);
    expect((await agent.post('/logout').type('form').send({ _csrf: after })).status).to.equal(303);
  });

  it('stores the signed-in token with the sign-in itself: the first page with a sign-out form writes nothing', async () => {
    const { store, writes } = countingStore();
    const t = buildTestApp({ sessionStore: store });
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    writes.length = 0;
    const page = await agent.get('/profile').expect(200);
    expect(csrfOf(page.text)).to.match(/^[0-9a-f]{64}$/);
    await agent.get('/').expect(200);
    expect(writes).to.deep.equal([]);
  });

  it('takes the signed-in forms on a host’s express-session, with the router at the root and mountPath /account', async () => {
    const store = new session.MemoryStore();
    const { app, auth } = buildHostApp({ mounting: 'root', at: '/account', hostSession: store });
    expect(auth.mountPath).to.equal('/account');
    const user = await createConfirmedUser();
    const agent = supertest.agent(app);
    expect((await submit(agent, '/account/login', '/account/login', user)).status).to.equal(303);
    const token = csrfOf((await agent.get('/account/profile').expect(200)).text);
    expect((await agent.post('/account/logout').type('form').send({ _csrf: token })).status).to.equal(303);
    await agent.get('/orders').expect(303);
  });
});

describe('the signed-out forms’ CSRF cookie in production (against the test issuer)', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());

  it('is __Host-sid.csrf, Secure, HttpOnly, SameSite=Lax, Path=/ over https, and not sent over plain http', async () => {
    const t = buildTestApp({ config: productionConfigFor(issuer), cognito: { settings: issuer.settings, client: issuer.client } });
    const https = await supertest(t.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const cookie = setCookieOf(https, '__Host-sid.csrf') as string;
    expect(cookie, 'a __Host- cookie').to.be.a('string');
    for (const attribute of ['; Path=/', '; Secure', '; HttpOnly', '; SameSite=Lax']) expect(cookie).to.contain(attribute);
    expect(cookie).to.not.contain('Domain=');
    const plain = await supertest(t.app).get('/login').expect(200);
    expect(plain.headers['set-cookie'], 'no Secure cookie over http').to.equal(undefined);
  });

  it('signs in with it over https', async () => {
    issuer.forge({});
    const t = buildTestApp({ config: productionConfigFor(issuer), cognito: { settings: issuer.settings, client: issuer.client } });
    const page = await supertest(t.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const cookie = (setCookieOf(page, '__Host-sid.csrf') as string).split(';')[0] as string;
    const refused = await supertest(t.app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .type('form')
      .send({ email: 'a@example.com', password: 'x', _csrf: csrfOf(page.text) });
    expect(refused.status, 'without the cookie').to.equal(403);
    const judged = await supertest(t.app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookie)
      .type('form')
      .send({ email: 'a@example.com', password: 'x', _csrf: csrfOf(page.text) });
    expect(judged.status, 'past the CSRF check').to.not.equal(403);
  });
});
