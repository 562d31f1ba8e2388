import { expect } from 'chai';
import type express from 'express';
import supertest from 'supertest';
import type { CognitoLocal, TestUser } from '../../src/testing';
import { hostKit } from '../helpers/host-kit';
import { callbackPath, startHostedUiSignIn } from '../helpers/hosted-ui';
import { buildMultiRouterHost, clientFor } from './host-app';

/**
 * One host, one express-session, several routers: /account (the kit's pool and client), /other (a pool of
 * its own), /third (the kit's pool, another client) and /fourth (the kit's pool and client again).
 */
describe('two routers in one app (on the host’s express-session, against the test kit)', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;
  let user: TestUser;
  let app: express.Express;

  before(async () => {
    cognito = await hostKit();
    user = await cognito.createUser();
    const [other, third] = await Promise.all([clientFor(cognito, '/other', 'new'), clientFor(cognito, '/third', 'same')]);
    app = buildMultiRouterHost(cognito, [
      { mountPath: '/other', cognito: other },
      { mountPath: '/third', cognito: third },
      { mountPath: '/fourth', cognito: cognito.options },
    ]).app;
  });

  it('a sign-in at one router passes neither the guard nor the pages of a router of another pool or client', async () => {
    const agent = supertest.agent(app);
    expect((await cognito.signIn(agent, user)).status).to.equal(303);
    expect((await agent.get('/guarded/account').expect(200)).text).to.equal(`/account: ${user.email}`);
    for (const mount of ['/other', '/third']) {
      const guarded = await agent.get(`/guarded${mount}`).expect(303);
      expect(guarded.headers.location, mount).to.equal(`${mount}/login?returnTo=%2Fguarded${encodeURIComponent(mount)}&notice=signed_in_required`);
      expect((await agent.get(`${mount}/profile`).expect(303)).headers.location, mount).to.match(new RegExp(`^${mount}/login\\?`));
    }
    expect((await agent.get('/who').expect(200)).body).to.deep.equal({
      '/account': user.email,
      '/other': null,
      '/third': null,
      '/fourth': user.email,
    });
    // The app-wide requiresAuth() follows the router whose context() ran: /account's here.
    await agent.get('/global-guard').expect(200);
  });

  it('two routers of one pool and client share the sign-in (and the sign-out)', async () => {
    const agent = supertest.agent(app);
    expect((await cognito.signIn(agent, user)).status).to.equal(303);
    expect((await agent.get('/guarded/fourth').expect(200)).text).to.equal(`/fourth: ${user.email}`);
    const profile = await agent.get('/fourth/profile').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(profile.text)![1]!;
    await agent.post('/fourth/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/guarded/account').expect(303);
  });

  it('keeps each router’s sign-in through the other’s sign-in and sign-out, and "sign out everywhere" still finds it', async () => {
    const agent = supertest.agent(app);
    expect((await cognito.signIn(agent, user)).status).to.equal(303);
    // Signing in at /third gives the session a new id: /account's sign-in moves along, with its index entry.
    const third = await agent.get('/third/login').expect(200);
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    await agent
      .post('/third/login')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrf(third.text) })
      .expect(303);
    expect((await agent.get('/who').expect(200)).body).to.include({ '/account': user.email, '/third': user.email });
    const profile = await agent.get('/third/profile').expect(200);
    await agent
      .post('/third/logout')
      .type('form')
      .send({ _csrf: csrf(profile.text) })
      .expect(303);
    expect((await agent.get('/who').expect(200)).body).to.include({ '/account': user.email, '/third': null });
    // Another browser of the same user ends every session of the account: this one too, under its new id.
    const elsewhere = supertest.agent(app);
    expect((await cognito.signIn(elsewhere, user)).status).to.equal(303);
    const page = await elsewhere.get('/account/profile').expect(200);
    await elsewhere
      .post('/account/profile/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrf(page.text) })
      .expect(303);
    await agent.get('/guarded/account').expect(303);
  });

  for (const wrong of ['/other', '/third', '/fourth']) {
    it(`a Hosted UI callback for /account delivered to ${wrong} neither signs in nor uses up the pending sign-in`, async () => {
      const agent = supertest.agent(app);
      const journey = await startHostedUiSignIn(agent, user, '/account/login/hosted');
      const callback = journey.callbackUrl as URL;
      expect(callback.pathname).to.equal('/account/callback');
      const misdelivered = await agent.get(`${wrong}/callback${callback.search}`);
      expect(misdelivered.status).to.equal(403);
      expect((await agent.get('/who').expect(200)).body).to.deep.equal({ '/account': null, '/other': null, '/third': null, '/fourth': null });
      // The right router still finishes it.
      expect((await agent.get(callbackPath(callback))).status).to.equal(303);
      await agent.get('/guarded/account').expect(200);
      if (wrong !== '/fourth') await agent.get(`/guarded${wrong}`).expect(303);
    });
  }
});
