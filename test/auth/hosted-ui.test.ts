import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { submit } from '../helpers/forms';
import { testEmulator } from '../helpers/emulator';
import { callbackPath, signInThroughHostedUi, startHostedUiSignIn } from '../helpers/hosted-ui';
import { storedSessions, type StoredSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

function allSessions(t: TestApp): Promise<Record<string, StoredSession>> {
  return storedSessions(t.sessionStore);
}

async function storedSessionCount(t: TestApp): Promise<number> {
  return new Promise((resolve, reject) => t.sessionStore.length!((err, n) => (err ? reject(err) : resolve(n ?? 0))));
}

describe('Hosted UI sign-in (against cognito-local)', () => {
  let t: TestApp;
  let user: { email: string; password: string; sub: string };

  before(async () => {
    user = await createConfirmedUser();
  });
  beforeEach(() => {
    t = buildTestApp();
  });

  describe('GET /', () => {
    it('shows the start page with a Start login button', async () => {
      const res = await t.agent().get('/').set('Accept-Language', 'en').expect(200);
      expect(res.text).to.contain('Start login');
      expect(res.text).to.contain('action="/login/hosted"');
    });

    it('speaks Japanese to a Japanese browser', async () => {
      const res = await t.agent().get('/').set('Accept-Language', 'ja,en;q=0.5').expect(200);
      expect(res.text).to.contain('サインインを開始');
      expect(res.text).to.contain('<html lang="ja">');
    });
  });

  describe('GET /login/hosted', () => {
    it('redirects to the authorize endpoint with code flow, scopes, fresh state and an S256 PKCE challenge', async () => {
      const agent = t.agent();
      const first = new URL((await agent.get('/login/hosted').expect(302)).headers.location as string);
      const second = new URL((await agent.get('/login/hosted').expect(302)).headers.location as string);
      const { emulator, ids } = testEmulator();

      expect(first.origin + first.pathname).to.equal(`${emulator.url}/oauth2/authorize`);
      const q = first.searchParams;
      expect(q.get('response_type')).to.equal('code');
      expect(q.get('client_id')).to.equal(ids.clientId);
      expect(q.get('redirect_uri')).to.equal(`${t.config.appBaseUrl}/callback`);
      expect(q.get('scope')?.split(' ')).to.have.members(['openid', 'email', 'aws.cognito.signin.user.admin']);
      expect(q.get('code_challenge_method')).to.equal('S256');
      expect(q.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('state')?.length).to.be.at.least(20);
      // Fresh per request: a second sign-in attempt gets a new state and a new challenge.
      expect(second.searchParams.get('state')).to.not.equal(q.get('state'));
      expect(second.searchParams.get('code_challenge')).to.not.equal(q.get('code_challenge'));
    });

    it('sends no nonce to cognito-local (it never echoes one) and does send one when nonce is on', async () => {
      const withoutNonce = new URL((await t.agent().get('/login/hosted')).headers.location as string);
      expect(withoutNonce.searchParams.has('nonce')).to.equal(false);
      const nonceApp = buildTestApp({ env: { OIDC_NONCE: 'true' } });
      const withNonce = new URL((await nonceApp.agent().get('/login/hosted')).headers.location as string);
      expect(withNonce.searchParams.get('nonce')).to.have.length.of.at.least(16);
    });
  });

  describe('the whole journey', () => {
    it('signs in through the emulator form and shows the user on /complete, without code or tokens in the URL (after landing on the profile)', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      expect(journey.loginCookie, 'the pending sign-in has a session cookie').to.match(/^sid=s%3A/);
      const callback = await agent.get(callbackPath(journey.callbackUrl as URL));

      expect(callback.status).to.equal(303);
      expect(callback.headers.location).to.equal('/profile');
      expect(sidOf(callback)).to.match(/^sid=s%3A/);
      expect(sidOf(callback), 'a new session id at sign-in').to.not.equal(journey.loginCookie);

      const complete = await agent.get('/complete').expect(200);
      expect(complete.text).to.contain(user.email);
      expect(complete.text).to.contain(user.sub);
      expect(complete.text).to.contain('Sign-in complete');
      expect(complete.text).to.contain('&#34;token_use&#34;: &#34;id&#34;');
      expect(complete.headers['cache-control']).to.equal('no-store');
    });

    it('Hosted UI and custom sign-in land on the same page by default (the profile)', async () => {
      const custom = await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password });
      const hosted = await signInThroughHostedUi(t.agent(), user);
      expect(custom.status).to.equal(303);
      expect(custom.headers.location).to.equal('/profile');
      expect(hosted.status).to.equal(303);
      expect(hosted.headers.location).to.equal(custom.headers.location);
    });

    it('keeps a same-origin returnTo and drops an absolute one', async () => {
      const kept = await signInThroughHostedUi(t.agent(), user, '/login/hosted?returnTo=%2Fcomplete%3Ffrom%3Dtest');
      expect(kept.headers.location).to.equal('/complete?from=test');
      const dropped = await signInThroughHostedUi(t.agent(), user, '/login/hosted?returnTo=https%3A%2F%2Fevil.example%2F');
      expect(dropped.headers.location).to.equal('/profile');
      const schemeRelative = await signInThroughHostedUi(t.agent(), user, '/login/hosted?returnTo=%2F%2Fevil.example');
      expect(schemeRelative.headers.location).to.equal('/profile');
    });

    it('regenerates the session id at sign-in and keeps the tokens only in the server-side session', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const preLoginIds = Object.keys(await allSessions(t));
      expect(preLoginIds).to.have.length(1);

      const cb = await agent.get(callbackPath(journey.callbackUrl as URL)).expect(303);
      const sessions = await allSessions(t);
      const ids = Object.keys(sessions);
      expect(ids).to.have.length(1);
      expect(ids[0]).to.not.equal(preLoginIds[0]);
      const stored = sessions[ids[0] as string]!.cognito as { tokens: { idToken: string; refreshToken: string } };
      expect(stored.tokens.idToken.split('.')).to.have.length(3);
      // The cookie carries only the signed session id.
      expect(decodeURIComponent(sidOf(cb) as string)).to.match(new RegExp(`^sid=s:${ids[0]}\\.`));
      expect(cb.text).to.not.contain(stored.tokens.idToken);
    });
  });

  describe('GET /callback refusals', () => {
    it('rejects a missing state without creating a session', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const url = journey.callbackUrl as URL;
      url.searchParams.delete('state');
      const res = await agent.get(callbackPath(url)).expect(403);
      expect(res.text).to.contain('state');
      await agent.get('/complete').expect(303).expect('Location', '/');
    });

    it('rejects a mismatched state without creating a session', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const url = journey.callbackUrl as URL;
      url.searchParams.set('state', 'not-the-state-we-issued');
      await agent.get(callbackPath(url)).expect(403);
      await agent.get('/complete').expect(303).expect('Location', '/');
    });

    it("rejects a callback that arrives in another browser's session", async () => {
      const journey = await startHostedUiSignIn(t.agent(), user);
      const otherBrowser = t.agent();
      await otherBrowser.get(callbackPath(journey.callbackUrl as URL)).expect(403);
      await otherBrowser.get('/complete').expect(303);
    });

    it('refuses a replayed callback (same code and state) and leaves the signed-in session alone', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const path = callbackPath(journey.callbackUrl as URL);
      await agent.get(path).expect(303);
      const signedIn = await agent.get('/complete').expect(200);
      const replay = await agent.get(path);
      expect(replay.status).to.be.within(400, 499);
      // Still the same sign-in: same page, same tokens (the replay neither ended nor replaced it).
      expect((await agent.get('/complete').expect(200)).text.replace(/name="_csrf" value="[^"]*"/g, '')).to.equal(
        signedIn.text.replace(/name="_csrf" value="[^"]*"/g, ''),
      );
    });

    it('refuses an already used code even with a fresh state (the token endpoint says invalid_grant)', async () => {
      const agent = t.agent();
      const first = await startHostedUiSignIn(agent, user);
      const used = first.callbackUrl as URL;
      await agent.get(callbackPath(used)).expect(303);
      await agent.post('/logout').expect(403); // no CSRF token: still signed in, nothing changed

      const attacker = t.agent();
      const fresh = new URL((await attacker.get('/login/hosted').expect(302)).headers.location as string);
      used.searchParams.set('state', fresh.searchParams.get('state') as string);
      const res = await attacker.get(callbackPath(used)).expect(400);
      expect(res.text).to.contain('did not accept the sign-in code');
      await attacker.get('/complete').expect(303);
    });

    it('shows access_denied from Cognito as a 4xx page with its own message, never its description', async () => {
      const agent = t.agent();
      const state = new URL((await agent.get('/login/hosted').expect(302)).headers.location as string).searchParams.get('state');
      const res = await agent.get(
        `/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=${encodeURIComponent(state as string)}`,
      );
      expect(res.status).to.equal(401);
      expect(res.text).to.contain('Sign-in was cancelled or refused.');
      expect(res.text).to.contain('Cognito says the sign-in was cancelled');
      expect(res.text).to.not.contain('alert(1)');
      await agent.get('/complete').expect(303);
    });

    it('answers a Cognito error (invalid_request) with no sign-in pending with a neutral 4xx page, never its description', async () => {
      const res = await t.agent().get('/callback?error=invalid_request&error_description=bad+scope');
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('Please start the sign-in again');
      expect(res.text).to.not.contain('bad scope');
      expect(res.text).to.not.contain('class="error-oauth"');
    });

    it('creates no session when the password is wrong: the emulator shows its form again', async () => {
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, { email: user.email, password: 'Wrong-Passw0rd!' });
      expect(journey.formResponse.status).to.equal(200);
      expect(journey.callbackUrl).to.equal(undefined);
      expect(await journey.formResponse.text()).to.contain('Incorrect username or password');
      await agent.get('/complete').expect(303).expect('Location', '/');
    });
  });

  describe('POST /logout', () => {
    it('refuses a sign-out without the CSRF token', async () => {
      const agent = t.agent();
      await signInThroughHostedUi(agent, user);
      const res = await agent.post('/logout').type('form').send({}).expect(403);
      expect(res.text).to.contain('form has expired');
      await agent.get('/complete').expect(200);
    });

    it('destroys the session, clears the cookie, revokes the refresh token and goes to the start page', async () => {
      const agent = t.agent();
      await signInThroughHostedUi(agent, user);
      const complete = await agent.get('/complete').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(complete.text)?.[1] as string;
      const refreshToken = /<dt>refresh_token<\/dt><dd><code>([^<]+)<\/code>/.exec(complete.text)?.[1] as string;
      expect(refreshToken).to.be.a('string');

      const res = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
      expect(res.headers.location).to.equal('/?notice=signed_out');
      expect(sidOf(res)).to.equal('sid=');
      expect(await storedSessionCount(t)).to.equal(0);
      await agent.get('/complete').expect(303).expect('Location', '/');

      // The revoked refresh token no longer works at the token endpoint.
      const { emulator, ids } = testEmulator();
      const refresh = await fetch(`${emulator.url}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${ids.clientId}:${ids.clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: ids.clientId }),
      });
      expect(refresh.status).to.equal(400);
      expect(((await refresh.json()) as { error: string }).error).to.equal('invalid_grant');
    });
  });
});
