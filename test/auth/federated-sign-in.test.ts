import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import type { CognitoUser } from '../../src/auth/types';
import { buildTestApp, type TestApp } from '../helpers/app';
import { storedSessions } from '../helpers/sessions';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../helpers/test-issuer';

/** An entry of Cognito's `identities` claim for a Google account. */
const GOOGLE_IDENTITY = {
  userId: '113300',
  providerName: 'Google',
  providerType: 'Google',
  issuer: null,
  primary: 'true',
  dateCreated: '1700000000000',
};

/** The claims Cognito puts in a Google user's ID token: a `Google_<id>` username and the identity. */
const asGoogleUser = (valid: JWTPayload): JWTPayload => ({ ...valid, 'cognito:username': 'Google_113300', identities: [GOOGLE_IDENTITY] });

/** The signed-in user the session store holds (the one session of this app). */
async function storedUser(t: TestApp): Promise<CognitoUser> {
  const users = Object.values(await storedSessions(t.sessionStore))
    .map((s) => s.cognito?.user)
    .filter((u): u is CognitoUser => u !== undefined);
  expect(users).to.have.length(1);
  return users[0] as CognitoUser;
}

describe('federated sign-in through the Hosted UI (against the test issuer)', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  before(async () => {
    issuer = await startTestIssuer({ nonce: true });
  });
  after(() => issuer.stop());
  beforeEach(() => {
    issuer.forge({});
    t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google' }, cognito: { settings: issuer.settings, client: issuer.client } });
  });

  it('starts at Google on the real-Cognito path: identity_provider, lang, state, an S256 challenge and a nonce', async () => {
    const login = await t.agent().get('/login/hosted?provider=Google').set('Accept-Language', 'ja').expect(302);
    const authorize = new URL(login.headers.location as string);
    expect(authorize.origin + authorize.pathname).to.equal(`${issuer.url}/oauth2/authorize`);
    const q = authorize.searchParams;
    expect(q.get('identity_provider')).to.equal('Google');
    expect(q.get('lang')).to.equal('ja');
    expect(q.get('client_id')).to.equal(issuer.settings.clientId);
    expect(q.get('state')?.length).to.be.at.least(20);
    expect(q.get('code_challenge_method')).to.equal('S256');
    expect(q.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')?.length).to.be.at.least(16);
  });

  it('signs a Google user in like anyone else: a new session, returnTo kept, identities kept, the provider on /complete', async () => {
    issuer.forge({ claims: asGoogleUser });
    const { agent, res, loginCookie } = await signInAtIssuer(
      t,
      { 'Accept-Language': 'en' },
      '/login/hosted?provider=Google&returnTo=%2Fcomplete%3Fvia%3Dgoogle',
    );
    expect(res.status, t.logs.join('')).to.equal(303);
    expect(res.headers.location).to.equal('/complete?via=google');
    expect(res.headers['set-cookie']?.[0]?.split(';')[0], 'a new session id').to.not.equal(loginCookie);

    const complete = await agent.get('/complete').set('Accept-Language', 'en').expect(200);
    expect(complete.text).to.contain('<dd data-field="provider">Google (through the Hosted UI)</dd>');
    expect(complete.text).to.contain('hostile@example.com');
    expect((await agent.get('/complete?lang=ja').expect(200)).text).to.contain('<dd data-field="provider">Google（Hosted UI 経由）</dd>');

    const user = await storedUser(t);
    expect(user).to.include({ username: 'Google_113300', provider: 'hosted-ui', identityProvider: 'Google' });
    expect(user.identities).to.deep.equal(['Google']);
  });

  it('treats a pool account linked to Google as the pool’s own: identities listed, but its own username (and password)', async () => {
    issuer.forge({ claims: (valid) => ({ ...valid, identities: [GOOGLE_IDENTITY] }) });
    const { agent, res } = await signInAtIssuer(t);
    expect(res.status).to.equal(303);
    expect((await agent.get('/complete').set('Accept-Language', 'en').expect(200)).text).to.contain('<dd data-field="provider">Hosted UI</dd>');
    const user = await storedUser(t);
    expect(user.identities).to.deep.equal(['Google']);
    expect(user.identityProvider).to.equal(undefined);
  });

  it('recognises a configured provider’s username prefix even where the token lists no identities', async () => {
    issuer.forge({ claims: (valid) => ({ ...valid, 'cognito:username': 'google_113300' }) });
    expect((await signInAtIssuer(t)).res.status).to.equal(303);
    const user = await storedUser(t);
    expect(user.identityProvider).to.equal('Google');
    expect(user.identities).to.deep.equal([]);
  });

  it('keeps only well-formed provider names from the identities claim, whatever a token carries', async () => {
    issuer.forge({
      claims: (valid) => ({
        ...valid,
        'cognito:username': '<script>_1',
        identities: [{ providerName: '<script>' }, null, { providerName: 7 }, { providerName: 'COGNITO' }, GOOGLE_IDENTITY, GOOGLE_IDENTITY],
      }),
    });
    const { agent, res } = await signInAtIssuer(t);
    expect(res.status).to.equal(303);
    expect((await storedUser(t)).identities).to.deep.equal(['Google']);
    expect((await agent.get('/complete').expect(200)).text).to.not.contain('<script>_');

    const other = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client } });
    issuer.forge({ claims: (valid) => ({ ...valid, identities: 'Google' }) });
    expect((await signInAtIssuer(other)).res.status).to.equal(303);
    expect((await storedUser(other)).identities).to.deep.equal([]);
  });

  it('refuses an authorization response nobody started here (IdP-initiated): 403 and no session, even beside a pending sign-in', async () => {
    issuer.forge({ claims: asGoogleUser });
    // The provider (or Cognito, after an IdP-initiated SAML sign-in) sends a code the app never asked for.
    const unsolicited = new URL(`${issuer.url}/oauth2/authorize`);
    unsolicited.search = new URLSearchParams({
      redirect_uri: `${t.config.appBaseUrl}/callback`,
      identity_provider: 'Google',
      code_challenge: 'x',
    }).toString();
    const sent = new URL((await fetch(unsolicited, { redirect: 'manual' })).headers.get('location') as string);
    const code = sent.searchParams.get('code') as string;

    const agent = t.agent();
    await agent.get('/login/hosted?provider=Google').expect(302);
    for (const query of [`code=${encodeURIComponent(code)}`, `code=${encodeURIComponent(code)}&state=made-up-state-value`]) {
      const res = await agent.get(`/callback?${query}`);
      expect(res.status, query).to.equal(403);
    }
    await agent.get('/complete').expect(303).expect('Location', '/');
  });
});
