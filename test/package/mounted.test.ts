import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { cognitoAuth, CognitoAuthError, requiresAuth } from '../../src/index';
import type { CognitoLocal, TestUser } from '../../src/testing';
import { csrfOf } from '../helpers/forms';
import { hostKit } from '../helpers/host-kit';
import { buildHostApp, buildOtherApp, HOST_BASE_URL, writeLoginOverride } from './host-app';

/** Every site-relative URL a page links, posts or loads: href, action and src values that start with `/`. */
function sitePathsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|action|src)="(\/[^"]*)"/g)].map((m) => m[1] as string);
}

describe('the package in a host app (mounted at /account, against the test kit)', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;
  let user: TestUser;

  before(async () => {
    cognito = await hostKit();
    user = await cognito.createUser();
  });

  describe('URLs', () => {
    it('puts every link, form action and asset of its pages under the mount (the site name and the host layout aside)', async () => {
      const { app } = buildHostApp(cognito);
      for (const page of ['/account/login', '/account/signup', '/account/password/forgot']) {
        const res = await supertest(app).get(page).expect(200);
        const paths = sitePathsOf(res.text);
        expect(paths, page).to.include('/account/public/style.css');
        expect(
          paths.filter((p) => p !== '/' && !p.startsWith('/account/')),
          page,
        ).to.deep.equal([]);
      }
      const login = await supertest(app).get('/account/login?returnTo=%2Fdashboard').expect(200);
      expect(login.text).to.contain('action="/account/login?returnTo=%2Fdashboard"');
      expect(login.text).to.contain('href="/account/login/hosted?returnTo=%2Fdashboard"');
      await supertest(app)
        .get('/account/public/style.css')
        .expect(200)
        .expect('Content-Type', /text\/css/);
    });

    it('sends the Hosted UI to Cognito with <baseUrl>/account/callback, and signs in through the emulator', async () => {
      const { app } = buildHostApp(cognito);
      const agent = supertest.agent(app);
      const start = await agent.get('/account/login/hosted').expect(302);
      const authorize = new URL(start.headers.location as string);
      expect(authorize.searchParams.get('redirect_uri')).to.equal(`${HOST_BASE_URL}/account/callback`);

      const fresh = supertest.agent(app);
      const callback = await cognito.signInWithHostedUi(fresh, user);
      expect(callback.status).to.equal(303);
      expect(callback.headers.location).to.equal('/dashboard');
      expect((await fresh.get('/dashboard').expect(200)).text).to.equal(`dashboard of ${user.email}`);
    });

    it('redirects within the mount after a custom sign-in, and back to the mount’s sign-in page after signing out everywhere', async () => {
      const { app } = buildHostApp(cognito);
      const agent = supertest.agent(app);
      const signIn = await cognito.signIn(agent, user);
      expect(signIn.status).to.equal(303);
      expect(signIn.headers.location).to.equal('/account/profile');
      const profile = await agent.get('/account/profile').expect(200);
      const everywhere = await agent
        .post('/account/profile/sign-out-everywhere')
        .type('form')
        .send({ _csrf: csrfOf(profile.text) });
      expect(everywhere.status).to.equal(303);
      expect(everywhere.headers.location).to.equal('/account/login?notice=signed_out_everywhere');
    });

    it('fails with a message naming both paths when it is mounted somewhere else than its mountPath says', async () => {
      const app = express();
      app.use(session({ secret: 'host-secret-host-secret-host-secret-0123', resave: false, saveUninitialized: false }));
      app.use('/elsewhere', cognitoAuth({ baseUrl: HOST_BASE_URL, mountPath: '/account', cognito: cognito.options }));
      app.use((err: CognitoAuthError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ code: err.code, message: err.message });
      });
      const res = await supertest(app).get('/elsewhere/login').expect(500);
      expect((res.body as { code?: string }).code).to.equal('mount_mismatch');
      expect((res.body as { message?: string }).message)
        .to.contain('"/elsewhere"')
        .and.to.contain('"/account"');
    });
  });

  describe('nothing app-wide', () => {
    it('leaves the host’s own routes, 404 and error handler alone: no catch-all, no error page of its own for them', async () => {
      const { app } = buildHostApp(cognito);
      expect((await supertest(app).get('/').expect(200)).text).to.equal('shop home');
      expect((await supertest(app).get('/nowhere').expect(404)).text).to.equal('shop 404');
      expect((await supertest(app).get('/account/nowhere').expect(404)).text).to.equal('shop 404');
      expect((await supertest(app).get('/account').expect(404)).text).to.equal('shop 404');
      expect((await supertest(app).get('/boom').expect(500)).text).to.equal('shop error: none: the host broke');
    });

    it('sends its security headers on its own pages only', async () => {
      const { app } = buildHostApp(cognito);
      const own = await supertest(app).get('/account/login').expect(200);
      expect(own.headers['content-security-policy']).to.contain("default-src 'self'");
      expect(own.headers['cache-control']).to.equal('no-store');
      const host = await supertest(app).get('/').expect(200);
      expect(host.headers['content-security-policy']).to.equal(undefined);
      expect(host.headers['cache-control']).to.equal(undefined);
    });
  });

  describe('requiresAuth() and req.cognito on the host’s routes', () => {
    it('sends a signed-out page request to the mount’s sign-in page with returnTo (303)', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/dashboard?tab=2').expect(303);
      expect(res.headers.location).to.equal('/account/login?returnTo=%2Fdashboard%3Ftab%3D2&notice=signed_in_required');
    });

    it('answers a signed-out request that wants JSON with 401 JSON', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/api/me').set('Accept', 'application/json').expect(401);
      expect(res.body).to.deep.equal({ error: 'unauthenticated', signInUrl: '/account/login?returnTo=%2Fapi%2Fme&notice=signed_in_required' });
    });

    it('gives host routes the user, the claims and a fresh access token once signed in through the kit', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      expect((await agent.get('/dashboard').expect(200)).text).to.equal(`dashboard of ${user.email}`);
      expect((await agent.get('/api/me').set('Accept', 'application/json').expect(200)).body).to.deep.equal({ email: user.email });
      const token = (await agent.get('/token').expect(200)).body as { token: string; claims: Record<string, unknown> };
      expect(token.token.split('.')).to.have.length(3);
      expect(token.claims.email).to.equal(user.email);
      expect(token.claims.sub).to.equal(user.sub);
    });

    it('signs out from a host route with req.cognito.signOut(), leaving the host’s session', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      await agent.post('/leave').expect(303);
      const after = (await agent.get('/whoami').expect(200)).body as { signedIn: boolean; greeted: string | null };
      expect(after.signedIn).to.equal(false);
      expect(after.greeted, 'what the host keeps in its session stays').to.equal(user.email);
      await agent.get('/dashboard').expect(303);
    });

    it('refuses requiresAuth() without context() before it, naming the fix', async () => {
      const app = express();
      app.get('/guarded', requiresAuth(), (_req, res) => res.send('no'));
      app.use((err: CognitoAuthError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ code: err.code, message: err.message });
      });
      const res = await supertest(app).get('/guarded').expect(500);
      expect((res.body as { code?: string }).code).to.equal('context_missing');
      expect((res.body as { message?: string }).message).to.contain('auth.context()');
    });
  });

  describe('the host’s own express-session and Passport', () => {
    it('keep req.user and req.session.passport; the package keeps everything under one key naming its pool and client', async () => {
      const { app } = buildHostApp(cognito);
      const agent = supertest.agent(app);
      const shopLogin = await agent.post('/shop-login').type('form').send({ username: 'shop-42', password: 'shop-password' }).expect(303);
      const signIn = await cognito.signIn(agent, user);
      expect(signIn.status).to.equal(303);
      const shopSid = (res: supertest.Response) => String(res.headers['set-cookie']).match(/shop\.sid=([^;]+)/)?.[1];
      expect(shopSid(signIn), 'a new session id at sign-in, on the host’s session too').to.be.a('string').and.not.equal(shopSid(shopLogin));
      const both = (await agent.get('/whoami').expect(200)).body as Record<string, unknown>;
      expect(both.shopUser).to.deep.equal({ shopId: 'shop-42' });
      expect(both.cognito).to.equal(user.email);
      expect(both.sessionKeys).to.deep.equal([`cognito:${cognito.clientId}@${cognito.url}/${cognito.userPoolId}`, 'greeted', 'passport']);

      const page = await agent.get('/account/profile').expect(200);
      await agent
        .post('/account/logout')
        .type('form')
        .send({ _csrf: csrfOf(page.text) })
        .expect(303);
      const after = (await agent.get('/whoami').expect(200)).body as Record<string, unknown>;
      expect(after.cognito).to.equal(null);
      expect(after.shopUser, 'the shop sign-in survives the Cognito sign-out').to.deep.equal({ shopId: 'shop-42' });
    });

    it('runs afterSignIn with the user before the redirect', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      expect(((await agent.get('/whoami')).body as { greeted: string }).greeted).to.equal(user.email);
    });

    it('refuses the sign-in when afterSignIn throws: the session ends and the error goes on', async () => {
      const { app } = buildHostApp(cognito, {
        afterSignIn: () => {
          throw new CognitoAuthError('auth_denied', 'not a shop customer');
        },
      });
      const agent = supertest.agent(app);
      const res = await cognito.signIn(agent, user);
      expect(res.status).to.equal(401);
      expect(((await agent.get('/whoami')).body as { signedIn: boolean }).signedIn).to.equal(false);
    });

    it('says what is missing when neither a session option nor the host’s express-session is there', async () => {
      const app = express();
      app.use('/account', cognitoAuth({ baseUrl: HOST_BASE_URL, mountPath: '/account', cognito: cognito.options }));
      app.use((err: CognitoAuthError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ code: err.code, message: err.message });
      });
      const res = await supertest(app).get('/account/login').expect(500);
      expect((res.body as { code?: string }).code).to.equal('session_missing');
      expect((res.body as { message?: string }).message).to.contain('express-session');
    });
  });

  describe('rendering', () => {
    it('wraps its pages in the host’s layout, with the page title and the package’s assets', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/account/login').set('Accept-Language', 'en').expect(200);
      expect(res.text).to.match(/^<!DOCTYPE html><html lang="en"><head><title>Sign in · Shop<\/title>/);
      expect(res.text).to.contain('<header class="shop-header">Shop</header>');
      expect(res.text).to.contain('<form method="post" action="/account/login"');
      expect(res.text, 'not the package’s own header').to.not.contain('site-header');
    });

    it('gives the host layout the signed-in user and a working sign-out form (action and CSRF token)', async () => {
      const { app } = buildHostApp(cognito);
      const user = await cognito.createUser();
      const signedOut = await supertest(app).get('/account/login').expect(200);
      expect(signedOut.text, 'no sign-out form while signed out').to.not.contain('shop-sign-out');
      const agent = await cognito.signedInAgent(app, user);
      const profile = await agent.get('/account/profile').set('Accept-Language', 'en').expect(200);
      const form =
        /<form method="post" action="([^"]+)" class="shop-sign-out"><input type="hidden" name="_csrf" value="([^"]+)"><button>Sign out ([^<]*)<\/button>/.exec(
          profile.text,
        );
      expect(form?.[1]).to.equal('/account/logout');
      expect(form?.[3]).to.equal(user.email);
      await agent.post(form![1]!).type('form').send({ _csrf: form![2]! }).expect(303);
      await agent.get('/dashboard').expect(303);
    });

    it('shows a one-shot notice inside the host layout', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/account/login?notice=session_expired').set('Accept-Language', 'en').expect(200);
      expect(res.text).to.match(/<main class="shop-main">\s*<p class="notice" role="status">/);
    });
  });

  describe('a second instance with other options in the same process (/other)', () => {
    let other: express.Express;
    before(() => {
      other = buildOtherApp(cognito, writeLoginOverride());
    });

    it('renders its own sign-in template, the rest from the package, in Japanese only, without sign-up', async () => {
      const login = await supertest(other).get('/other/login').set('Accept-Language', 'en').expect(200);
      expect(login.text).to.contain('data-override="other-login"');
      expect(login.text).to.contain('<html lang="ja">');
      expect(login.text).to.contain('action="/other/login"');
      const forgot = await supertest(other).get('/other/password/forgot').expect(200);
      expect(forgot.text).to.contain('action="/other/password/forgot"');
      expect((await supertest(other).get('/other/signup').expect(404)).text).to.equal('other 404');
      expect((await supertest(other).get('/other/login/hosted').expect(404)).text).to.equal('other 404');
    });

    it('signs in on its own session cookie, and its guard sends people to its own sign-in page', async () => {
      expect((await supertest(other).get('/other-home').expect(303)).headers.location).to.equal(
        '/other/login?returnTo=%2Fother-home&notice=signed_in_required',
      );
      const agent = supertest.agent(other);
      const page = await agent.get('/other/login').expect(200);
      const res = await agent
        .post('/other/login')
        .type('form')
        .send({ email: user.email, password: user.password, _csrf: csrfOf(page.text) });
      expect(res.status).to.equal(303);
      expect(String(res.headers['set-cookie'])).to.contain('other.sid=');
      expect((await agent.get('/other-home').expect(200)).text).to.equal(`other home of ${user.email}`);
    });
  });

  describe('the test kit', () => {
    it('reads the code the emulator would e-mail, and a sign-up confirmed with it stays under the mount', async () => {
      const { app } = buildHostApp(cognito);
      const unconfirmed = await cognito.createUser({ confirmed: false });
      const code = await cognito.latestCode(unconfirmed.email);
      expect(code).to.match(/^\d+$/);
      const agent = supertest.agent(app);
      const page = await agent.get('/account/signup/confirm').expect(200);
      const res = await agent
        .post('/account/signup/confirm')
        .type('form')
        .send({ email: unconfirmed.email, code, _csrf: csrfOf(page.text) });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/account/login');
      expect((await cognito.signIn(agent, unconfirmed)).status).to.equal(303);
    });
  });
});
