import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { ConfigError } from '../../src/app/config';
import { cognitoAuth, CognitoAuthError, type CognitoAuth } from '../../src/index';
import { buildTestApp, cognitoOptionsOf, testConfig, type TestApp } from '../helpers/app';
import { TEST_APP_BASE_URL } from '../helpers/emulator';
import { callbackPath, startHostedUiSignIn } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

/** The authorize redirect's query for a GET of `path`. */
async function authorizeQuery(
  agent: ReturnType<typeof supertest.agent>,
  path: string,
  headers: Record<string, string> = {},
): Promise<URLSearchParams> {
  const res = await agent.get(path).set(headers);
  expect(res.status, res.text).to.equal(302);
  return new URL(res.headers.location as string).searchParams;
}

describe('Managed Login in the page’s language, and the provider buttons (authorize redirect)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google,SignInWithApple,Corp-SAML' } });
  });

  describe('GET /login/hosted (the reference app, at the root)', () => {
    it('sends lang=ja from a Japanese page and lang=en from an English one', async () => {
      expect((await authorizeQuery(t.agent(), '/login/hosted', { 'Accept-Language': 'ja,en;q=0.5' })).get('lang')).to.equal('ja');
      expect((await authorizeQuery(t.agent(), '/login/hosted', { 'Accept-Language': 'en-GB' })).get('lang')).to.equal('en');
    });

    it('follows the language chosen on the pages (the lang cookie) over the browser’s', async () => {
      const agent = t.agent();
      await agent.get('/login?lang=ja').set('Accept-Language', 'en').expect(200);
      expect((await authorizeQuery(agent, '/login/hosted', { 'Accept-Language': 'en' })).get('lang')).to.equal('ja');
      await agent.get('/login?lang=en').expect(200);
      expect((await authorizeQuery(agent, '/login/hosted', { 'Accept-Language': 'ja' })).get('lang')).to.equal('en');
    });

    it('does no harm on cognito-local: a Japanese sign-in with lang=ja completes through the emulator', async () => {
      const user = await createConfirmedUser();
      const agent = t.agent();
      await agent.get('/?lang=ja').expect(200);
      const journey = await startHostedUiSignIn(agent, user);
      expect(journey.authorizeUrl.searchParams.get('lang')).to.equal('ja');
      const callback = await agent.get(callbackPath(journey.callbackUrl as URL)).expect(303);
      expect(callback.headers.location).to.equal('/profile');
      expect((await agent.get('/profile').expect(200)).text).to.contain(user.email);
    });

    it('starts at the named provider with identity_provider, keeping state, PKCE and returnTo', async () => {
      const q = await authorizeQuery(t.agent(), '/login/hosted?provider=SignInWithApple&returnTo=%2Fcomplete%3Fx%3D1', { 'Accept-Language': 'ja' });
      expect(q.get('identity_provider')).to.equal('SignInWithApple');
      expect(q.get('lang')).to.equal('ja');
      expect(q.get('code_challenge_method')).to.equal('S256');
      expect(q.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('state')?.length).to.be.at.least(20);
      expect(q.get('response_type')).to.equal('code');
    });

    it('sends no identity_provider without ?provider=', async () => {
      expect((await authorizeQuery(t.agent(), '/login/hosted')).has('identity_provider')).to.equal(false);
    });

    it('refuses a provider it does not offer, an empty or repeated one, with a 400 page and no redirect', async () => {
      for (const query of [
        'provider=Facebook',
        'provider=google',
        'provider=',
        'provider=Google&provider=Google',
        'provider=COGNITO',
        'provider=Google%26lang%3Dxx',
      ]) {
        const res = await t.agent().get(`/login/hosted?${query}`).set('Accept-Language', 'en');
        expect(res.status, query).to.equal(400);
        expect(res.headers.location, query).to.equal(undefined);
        expect(res.text, query).to.contain('The request was not understood.');
      }
      const none = buildTestApp();
      await none.agent().get('/login/hosted?provider=Google').expect(400);
    });

    it('restarts a start that carries code= or error= with its provider and returnTo, and nothing else', async () => {
      const res = await t.agent().get('/login/hosted?provider=Google&returnTo=%2Fcomplete&code=abc').expect(303);
      expect(res.headers.location).to.equal('/login/hosted?provider=Google&returnTo=%2Fcomplete');
    });
  });

  describe('the sign-in page', () => {
    it('shows a "Sign in with …" button per provider, with display names, in English and Japanese', async () => {
      const en = await t.agent().get('/login?returnTo=%2Fcomplete').set('Accept-Language', 'en').expect(200);
      expect(en.text).to.contain('>Sign in with Google</a>');
      expect(en.text).to.contain('>Sign in with Apple</a>');
      expect(en.text).to.contain('>Sign in with Corp-SAML</a>');
      expect(en.text).to.contain('href="/login/hosted?provider=Google&amp;returnTo=%2Fcomplete"');
      expect(en.text).to.contain('href="/login/hosted?provider=SignInWithApple&amp;returnTo=%2Fcomplete"');
      const ja = await t.agent().get('/login').set('Accept-Language', 'ja').expect(200);
      expect(ja.text).to.contain('>Google でサインイン</a>');
      expect(ja.text).to.contain('href="/login/hosted?provider=Google"');
    });

    it('keeps the buttons when the form comes back with an error', async () => {
      const agent = t.agent();
      const page = await agent.get('/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
      const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'not-an-address', password: 'x' }).expect(400);
      expect(res.text).to.contain('data-provider="Google"');
    });

    it('shows no provider buttons when none is configured', async () => {
      const res = await buildTestApp().agent().get('/login').expect(200);
      expect(res.text).to.not.contain('data-provider=');
    });
  });

  describe('a router mounted at /account (the package)', () => {
    let auth: CognitoAuth;
    let app: express.Express;
    before(() => {
      const base = buildTestApp();
      app = express();
      app.use(session({ secret: 'host-secret-host-secret-host-secret-0123', resave: false, saveUninitialized: false }));
      auth = cognitoAuth({
        baseUrl: TEST_APP_BASE_URL,
        mountPath: '/account',
        cognito: cognitoOptionsOf(base.settings),
        identityProviders: ['Google'],
      });
      app.use('/account', auth);
    });
    after(() => auth.close());

    it('sends lang for both languages and identity_provider from its own start URL', async () => {
      const ja = await authorizeQuery(supertest.agent(app), '/account/login/hosted?provider=Google', { 'Accept-Language': 'ja' });
      expect(ja.get('lang')).to.equal('ja');
      expect(ja.get('identity_provider')).to.equal('Google');
      expect(ja.get('redirect_uri')).to.equal(`${TEST_APP_BASE_URL}/account/callback`);
      const en = await authorizeQuery(supertest.agent(app), '/account/login/hosted', { 'Accept-Language': 'en' });
      expect(en.get('lang')).to.equal('en');
      expect(en.has('identity_provider')).to.equal(false);
    });

    it('puts its buttons under the mount', async () => {
      const res = await supertest(app).get('/account/login?returnTo=%2Fdashboard').expect(200);
      expect(res.text).to.contain('href="/account/login/hosted?provider=Google&amp;returnTo=%2Fdashboard"');
    });
  });

  describe('the identityProviders option and COGNITO_IDENTITY_PROVIDERS', () => {
    const options = () => ({ baseUrl: TEST_APP_BASE_URL, cognito: cognitoOptionsOf(buildTestApp().settings) });

    it('refuses names that are not safe provider names, COGNITO, repeats, and providers without the Hosted UI', () => {
      const refused = (identityProviders: string[], extra: object = {}) => {
        try {
          cognitoAuth({ ...options(), identityProviders, ...extra });
        } catch (err) {
          expect(err).to.be.instanceOf(CognitoAuthError);
          return (err as CognitoAuthError & { problems: string[] }).problems.join('\n');
        }
        return '';
      };
      expect(refused(['Google&lang=xx'])).to.contain('identityProviders.0: must be a provider name');
      expect(refused(['Google_x'])).to.contain('identityProviders.0');
      expect(refused(['Sign In'])).to.contain('identityProviders.0');
      expect(refused(['<script>'])).to.contain('identityProviders.0');
      expect(refused(['cognito'])).to.contain('COGNITO is the pool itself');
      expect(refused(['Google', 'Google'])).to.contain('must not name a provider twice');
      expect(refused(['Google'], { pages: { hostedUi: false } })).to.contain('identityProviders: they sign in through the Hosted UI');
      expect(refused(['Google', 'SignInWithApple', 'Corp-SAML.v2'])).to.equal('');
    });

    it('reads COGNITO_IDENTITY_PROVIDERS as a comma-separated list and names the variable when it is wrong', () => {
      expect(testConfig({ COGNITO_IDENTITY_PROVIDERS: ' Google , SignInWithApple,' }).cognito.identityProviders).to.deep.equal([
        'Google',
        'SignInWithApple',
      ]);
      expect(testConfig().cognito.identityProviders).to.deep.equal([]);
      expect(() => testConfig({ COGNITO_IDENTITY_PROVIDERS: 'Google;Apple' })).to.throw(ConfigError, 'COGNITO_IDENTITY_PROVIDERS');
      expect(() => testConfig({ COGNITO_IDENTITY_PROVIDERS: 'COGNITO' })).to.throw(ConfigError, 'COGNITO is the pool itself');
    });
  });
});
