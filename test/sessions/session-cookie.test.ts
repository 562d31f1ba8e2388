import { expect } from 'chai';
import { hostCookieOf } from '../helpers/cookies';
import supertest from 'supertest';
import { buildTestApp, productionConfigFor } from '../helpers/app';
import { csrfOf } from '../helpers/forms';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer';

describe('the production session cookie is cleared with the attributes it was set with (against the test issuer)', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());

  for (const action of ['/logout', '/profile/sign-out-everywhere']) {
    it(`POST ${action} clears __Host-sid with Secure, Path=/, HttpOnly and SameSite=Lax, so the browser drops it`, async () => {
      issuer.forge({});
      const config = productionConfigFor(issuer);
      const t = buildTestApp({ config, cognito: { settings: issuer.settings, client: issuer.client } });
      // Behind a TLS-terminating proxy; supertest will not send a Secure cookie over http, so it is carried by hand.
      const https = { 'X-Forwarded-Proto': 'https' };
      const browser = supertest(t.app);
      const login = await browser.get('/login/hosted').set(https).expect(302);
      const authorize = await fetch(login.headers.location as string, { redirect: 'manual' });
      const callback = new URL(authorize.headers.get('location') as string);
      const signedIn = await browser
        .get(callback.pathname + callback.search)
        .set(https)
        .set('Cookie', hostCookieOf(login).split(';')[0] as string);
      expect(signedIn.status, t.logs.join('')).to.equal(303);
      const set = hostCookieOf(signedIn);
      const cookie = set.split(';')[0] as string;
      const page = await browser.get('/').set(https).set('Cookie', cookie).expect(200);

      const out = await browser
        .post(action)
        .set(https)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: csrfOf(page.text) });
      expect(out.status).to.equal(303);
      const cleared = hostCookieOf(out);
      expect(cleared)
        .to.match(/^__Host-sid=;/)
        .and.match(/Expires=Thu, 01 Jan 1970/);
      for (const attribute of ['; Path=/', '; Secure', '; HttpOnly', '; SameSite=Lax']) {
        expect(set, `set with ${attribute}`).to.contain(attribute);
        expect(cleared, `cleared with ${attribute}`).to.contain(attribute);
      }
      expect(cleared).to.not.match(/Domain=/i);
      await browser.get('/complete').set(https).set('Cookie', cookie).expect(303).expect('Location', '/');
    });
  }
});
