import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import type { TokenVerifier } from '../../src/cognito/tokens';
import { signInAtIssuer, startTestIssuer, type Forgery, type TestIssuer } from '../helpers/test-issuer';

const signIn = signInAtIssuer;

describe('ID token validation (against a hostile test issuer)', () => {
  let issuer: TestIssuer;
  let t: TestApp;

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());
  beforeEach(() => {
    t = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client } });
  });

  it('accepts the untampered token (client_secret_basic and PKCE checked by the issuer)', async () => {
    issuer.forge({});
    const { agent, res } = await signIn(t);
    expect(res.status).to.equal(303);
    const complete = await agent.get('/complete').expect(200);
    expect(complete.text).to.contain('hostile@example.com');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: Array<[string, Forgery]> = [
    ['a bad signature', { signing: 'other-key' }],
    ['alg: none', { signing: 'none' }],
    ['HS256 signed with the public key', { signing: 'hs256-with-public-key' }],
    ['an unknown kid', { signing: 'unknown-kid' }],
    ['a wrong iss', { claims: (c) => ({ ...c, iss: 'https://evil.example/pool' }) }],
    ['a wrong aud', { claims: (c) => ({ ...c, aud: 'another-client' }) }],
    ['several audiences without azp', { claims: (c) => ({ ...c, aud: [c.aud as string, 'another-client'] }) }],
    ['a past exp', { claims: (c) => ({ ...c, exp: now() - 3600, iat: now() - 7200 }) }],
    ['an iat in the future', { claims: (c) => ({ ...c, iat: now() + 3600, exp: now() + 7200 }) }],
    ['an access token (token_use) instead of an ID token', { claims: (c) => ({ ...c, token_use: 'access' }) }],
    ['something that is not a JWT', { signing: 'not-a-jwt' }],
    ['no ID token at all', { signing: 'absent' }],
    ['no sub (validly signed)', { claims: ({ sub: _sub, ...c }) => c }],
    ['an azp naming another client', { claims: (c) => ({ ...c, azp: 'another-client' }) }],
    ['an access token of another client (client_id)', { access: (c) => ({ ...c, client_id: 'another-client' }) }],
    ['an access token whose token_use is id', { access: (c) => ({ ...c, token_use: 'id' }) }],
    ['an access token of another user than the ID token', { access: (c) => ({ ...c, sub: 'someone-else' }) }],
  ];

  for (const [what, forgery] of refusals) {
    it(`rejects tokens with ${what}: 4xx error page, no session, token not logged`, async () => {
      issuer.forge(forgery);
      const { agent, res, loginCookie } = await signIn(t);
      expect(res.status).to.be.within(400, 499);
      expect(res.text).to.contain('could not be trusted');
      // The pre-login session id stays as it was: no new (signed-in) session was started.
      expect(sidOf(res)).to.be.a('string').and.equal(loginCookie);
      await agent.get('/complete').expect(303).expect('Location', '/');
      expect(t.logs.join('')).to.not.match(/eyJ[\w-]+\.[\w-]+\./);
    });
  }

  it('shows a bug in the callback as a 500 page, with the stack in the log and never on the page (double)', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'sub') (double)");
    const throwing: TokenVerifier = {
      verifyIdToken: () => Promise.reject(bug),
      verifyAccessToken: () => Promise.reject(bug),
    };
    const app = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client, verifier: throwing } });
    issuer.forge({});
    const { agent, res } = await signIn(app);
    expect(res.status).to.equal(500);
    expect(res.text).to.contain('An unexpected error occurred');
    expect(res.text).to.not.contain('could not be trusted');
    expect(res.text).to.not.match(/TypeError|\(double\)|\n\s+at /);
    const failure = app.logs
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } })
      .find((l) => l.msg === 'request failed');
    expect(failure?.level, 'logged at error level').to.equal(50);
    expect(failure?.err?.stack).to.match(/^TypeError: Cannot read properties[^\n]*\n\s+at /);
    await agent.get('/complete').expect(303).expect('Location', '/');
  });

  it('accepts tokens signed with a rotated key: the JWKS is fetched again once for its new kid', async () => {
    const rotating = await startTestIssuer();
    try {
      const app = buildTestApp({ cognito: { settings: rotating.settings, client: rotating.client } });
      expect((await signIn(app)).res.status).to.equal(303);
      const fetchesBefore = rotating.jwksFetches();
      await rotating.rotateKey();
      const { agent, res } = await signIn(app);
      expect(res.status, 'a token signed with the new key').to.equal(303);
      await agent.get('/complete').expect(200);
      expect(rotating.jwksFetches() - fetchesBefore).to.equal(1);
      expect((await signIn(app)).res.status).to.equal(303);
      expect(rotating.jwksFetches() - fetchesBefore, 'the new key is cached').to.equal(1);
    } finally {
      await rotating.stop();
    }
  });

  it('refetches the JWKS at most once for a burst of unknown kids, refusing each', async () => {
    issuer.forge({});
    expect((await signIn(t)).res.status).to.equal(303);
    const fetchesAfterValid = issuer.jwksFetches();
    issuer.forge({ signing: 'unknown-kid' });
    for (let i = 0; i < 3; i += 1) expect((await signIn(t)).res.status).to.be.within(400, 499);
    expect(issuer.jwksFetches() - fetchesAfterValid).to.equal(1);
  });

  it('answers a callback with the 503 page while the JWKS is unreachable, and signs in once it is back', async () => {
    const app = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client } });
    issuer.forge({});
    issuer.jwksDown(true);
    try {
      const { agent, res } = await signIn(app);
      expect(res.status).to.equal(503);
      await agent.get('/complete').expect(303);
    } finally {
      issuer.jwksDown(false);
    }
    expect((await signIn(app)).res.status).to.equal(303);
  });

  it('rejects a nonce mismatch when nonce is on', async () => {
    const nonceIssuer = await startTestIssuer({ nonce: true });
    try {
      const app = buildTestApp({ cognito: { settings: nonceIssuer.settings, client: nonceIssuer.client } });
      nonceIssuer.forge({});
      expect((await signIn(app)).res.status, 'the echoed nonce is accepted').to.equal(303);
      nonceIssuer.forge({ claims: (c) => ({ ...c, nonce: 'not-the-nonce-we-sent' }) });
      const { agent, res } = await signIn(app);
      expect(res.status).to.be.within(400, 499);
      await agent.get('/complete').expect(303);
    } finally {
      await nonceIssuer.stop();
    }
  });
});
