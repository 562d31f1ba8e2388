import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import type { CognitoOptions } from '../../src/cognito/settings';
import { cognitoAuth, CognitoAuthError, createMemoryStore } from '../../src/index';
import { setCookieOf } from '../helpers/cookies';
import { TEST_APP_BASE_URL } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { buildHostApp, HOST_SECRET, suiteCognitoAt, type ExpressVersion, type HostAppOptions } from '../helpers/host-apps';
import { callbackPath, signInAtEmulator } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

/** Every site-relative URL a page links, posts or loads. */
function sitePathsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|action|src)="(\/[^"]*)"/g)].map((m) => m[1] as string);
}

describe('where the router serves its pages (mountPath given once, or inferred)', () => {
  let atAccount: CognitoOptions;
  let user: { email: string; password: string };
  before(async () => {
    atAccount = await suiteCognitoAt('/account');
    user = await createConfirmedUser();
  });

  /**
   * A Hosted UI sign-in started on `first` and completed on `second`, a fresh instance of the same host
   * on the same session store: its very first request is the callback.
   */
  async function callbackAsFirstRequest(build: (store: session.Store) => HostAppOptions) {
    const store = new session.MemoryStore();
    const first = buildHostApp(build(store));
    const start = await supertest(first.app).get('/account/login/hosted').expect(302);
    const authorizeUrl = new URL(start.headers.location as string);
    expect(authorizeUrl.searchParams.get('redirect_uri'), 'the first request’s callback URL').to.equal(`${TEST_APP_BASE_URL}/account/callback`);
    const { callbackUrl } = await signInAtEmulator(authorizeUrl, user);
    const cookie = (setCookieOf(start, 'host.sid') as string).split(';')[0] as string;
    const second = buildHostApp(build(store));
    const callback = await supertest(second.app)
      .get(callbackPath(callbackUrl as URL))
      .set('Cookie', cookie);
    expect(callback.status, callback.text).to.equal(303);
    const signedIn = (setCookieOf(callback, 'host.sid') as string).split(';')[0] as string;
    expect((await supertest(second.app).get('/orders').set('Cookie', signedIn).expect(200)).text).to.equal(`orders of ${user.email}`);
    return second.auth;
  }

  for (const version of [5, 4] as ExpressVersion[]) {
    describe(`Express ${version}`, () => {
      describe('app.use(cognitoAuth({ …, mountPath: "/account" })) at the root (the quick start)', () => {
        const build = (): HostAppOptions => ({ express: version, mounting: 'root', at: '/account', options: { cognito: atAccount } });

        it('serves the pages under /account only, every link and form there', async () => {
          const { app } = buildHostApp(build());
          for (const page of ['/account/login', '/account/signup', '/account/password/forgot']) {
            const res = await supertest(app).get(page).expect(200);
            expect(
              sitePathsOf(res.text).filter((p) => p !== '/' && !p.startsWith('/account/')),
              page,
            ).to.deep.equal([]);
          }
          await supertest(app).get('/login').expect(404);
          await supertest(app).get('/account/public/style.css').expect(200);
        });

        it('puts req.cognito on every request without context(): requiresAuth() sends to its sign-in page, then lets the user in', async () => {
          const { app } = buildHostApp(build());
          const agent = supertest.agent(app);
          expect((await agent.get('/who').expect(200)).body).to.deep.equal({ user: null });
          expect((await agent.get('/orders').expect(303)).headers.location).to.equal('/account/login?returnTo=%2Forders&notice=signed_in_required');
          expect((await submit(agent, '/account/login?returnTo=%2Forders', '/account/login?returnTo=%2Forders', user)).headers.location).to.equal(
            '/orders',
          );
          expect((await agent.get('/who').expect(200)).body).to.deep.equal({ user: user.email });
          expect((await agent.get('/orders').expect(200)).text).to.equal(`orders of ${user.email}`);
        });

        it('signs in through the Hosted UI with <baseUrl>/account/callback, the callback being a new instance’s first request', async () => {
          const auth = await callbackAsFirstRequest((store) => ({ ...build(), hostSession: store }));
          expect(auth.mountPath).to.equal('/account');
        });
      });

      describe('app.use("/account", auth) without mountPath', () => {
        const build = (store?: session.Store): HostAppOptions => ({
          express: version,
          mounting: 'path',
          at: '/account',
          hostSession: store,
          options: { cognito: atAccount },
        });

        it('knows its mount from app.use, before any request', () => {
          expect(buildHostApp(build()).auth.mountPath).to.equal('/account');
        });

        it('gets the callback URL right when the callback is the first request', async () => {
          await callbackAsFirstRequest(build);
        });

        it('keeps auth.context() and auth.requiresAuth() working', async () => {
          const { app } = buildHostApp({
            ...build(),
            routes: (host, auth) => host.get('/own-guard', auth.requiresAuth(), (req, res) => res.send(req.cognito!.user!.email)),
          });
          const agent = supertest.agent(app);
          expect((await agent.get('/own-guard').expect(303)).headers.location).to.match(/^\/account\/login\?returnTo=%2Fown-guard/);
          expect((await submit(agent, '/account/login', '/account/login', user)).status).to.equal(303);
          expect((await agent.get('/own-guard').expect(200)).text).to.equal(user.email);
          expect((await agent.get('/orders').expect(200)).text).to.equal(`orders of ${user.email}`);
        });
      });

      describe('router.use("/account", auth) on a Router, without mountPath (no mount event)', () => {
        const build = (store?: session.Store): HostAppOptions => ({
          express: version,
          mounting: 'router',
          at: '/account',
          hostSession: store,
          options: { cognito: atAccount },
        });

        it('learns its mount from the first request, even when that is the callback', async () => {
          expect(buildHostApp(build()).auth.mountPath, 'unknown before a request').to.equal(undefined);
          const auth = await callbackAsFirstRequest(build);
          expect(auth.mountPath).to.equal('/account');
        });
      });
    });
  }

  it('names both paths when one router without mountPath is mounted at two', async () => {
    const app = express();
    const auth = cognitoAuth({ baseUrl: TEST_APP_BASE_URL, cognito: atAccount, session: { store: createMemoryStore(), secret: HOST_SECRET } });
    app.use('/account', auth);
    app.use('/second', auth);
    app.use((err: CognitoAuthError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ code: err.code, message: err.message });
    });
    await supertest(app).get('/account/login').expect(200);
    const res = await supertest(app).get('/second/login').expect(500);
    const body = res.body as { code: string; message: string };
    expect(body.code).to.equal('mount_mismatch');
    expect(body.message).to.contain('"/second"').and.to.contain('"/account"');
  });
});
