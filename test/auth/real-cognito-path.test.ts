import { expect } from 'chai';
import { hostCookieOf } from '../helpers/cookies';
import supertest from 'supertest';
import { buildTestApp, productionConfigFor } from '../helpers/app';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../helpers/test-issuer';

/** The AWS-mode behaviours that cognito-local cannot show, exercised against the test issuer. */
describe('the real-Cognito path (against the test issuer)', () => {
  let issuer: TestIssuer;

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());

  it("signs out through the issuer's /logout with client_id and logout_uri, even when revocation fails", async () => {
    issuer.forge({});
    const t = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client } });
    const { agent, res } = await signInAtIssuer(t);
    expect(res.status).to.equal(303);
    const page = await agent.get('/').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;

    const out = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    const target = new URL(out.headers.location as string);
    expect(target.origin + target.pathname).to.equal(`${issuer.url}/logout`);
    expect(target.searchParams.get('client_id')).to.equal(issuer.settings.clientId);
    expect(target.searchParams.get('logout_uri')).to.equal(`${t.config.appBaseUrl}/`);
    await agent.get('/complete').expect(303).expect('Location', '/');
    expect(t.logs.join('')).to.contain('refresh token revocation failed');
  });

  it('in production: a __Host- cookie that is Secure, HttpOnly and SameSite=Lax, HSTS, and no raw tokens on /complete', async () => {
    issuer.forge({});
    const config = productionConfigFor(issuer);
    const t = buildTestApp({ config, cognito: { settings: issuer.settings, client: issuer.client } });
    // Behind a TLS-terminating proxy. supertest's cookie jar will not send a Secure cookie over plain
    // http, so this test carries the cookie by hand, as the browser would over https.
    const https = { 'X-Forwarded-Proto': 'https' };
    const browser = supertest(t.app);
    const login = await browser.get('/login/hosted').set(https).expect(302);
    const preLogin = hostCookieOf(login);
    const authorize = await fetch(login.headers.location as string, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location') as string);
    const res = await browser
      .get(callback.pathname + callback.search)
      .set(https)
      .set('Cookie', preLogin.split(';')[0] as string);
    expect(res.status, t.logs.join('')).to.equal(303);
    const cookie = hostCookieOf(res);
    expect(cookie)
      .to.match(/; Path=\//)
      .and.match(/; HttpOnly/)
      .and.match(/; Secure/)
      .and.match(/; SameSite=Lax/);
    expect(cookie).to.not.match(/Domain=/i);
    const complete = await browser
      .get('/complete')
      .set(https)
      .set('Cookie', cookie.split(';')[0] as string)
      .expect(200);
    expect(complete.headers['strict-transport-security']).to.contain('max-age=');
    expect(complete.text).to.contain('hostile@example.com');
    expect(complete.text).to.not.contain('refresh_token');
    expect(complete.text).to.not.match(/eyJ[\w-]+\.[\w-]+\./);
    expect(complete.text).to.not.contain('cognito-local');
  });
});
