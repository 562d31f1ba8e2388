import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { generateKeyPair, SignJWT } from 'jose';
import { createCognitoClient } from '../../src/cognito/client';
import type { CognitoSettings } from '../../src/cognito/settings';
import { createTokenVerifier } from '../../src/cognito/tokens';
import { CognitoAuthError } from '../../src/errors';
import { buildTestApp } from '../helpers/app';
import { csrfOf } from '../helpers/forms';

/**
 * A server that accepts connections and never answers: a Cognito that hangs (a double: the suite's
 * emulator serves every other file meanwhile, so it cannot be the one made to hang).
 */
async function startBlackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('Cognito unreachable or slow (double: a server that accepts connections and never answers)', () => {
  let hole: Awaited<ReturnType<typeof startBlackHole>>;
  let settings: CognitoSettings;
  before(async () => {
    hole = await startBlackHole();
    settings = {
      emulator: false,
      region: 'test',
      userPoolId: 'test_pool',
      clientId: 'hangingclient',
      clientSecret: 'secret',
      issuer: hole.url,
      authorizationUrl: `${hole.url}/oauth2/authorize`,
      tokenUrl: `${hole.url}/oauth2/token`,
      jwksUri: `${hole.url}/.well-known/jwks.json`,
      logoutUrl: `${hole.url}/logout`,
      apiEndpoint: hole.url,
      nonce: false,
      timeoutMs: 300,
      contextData: false,
    };
  });
  after(() => hole.close());

  function hangingApp() {
    const client = createCognitoClient({ region: 'test', endpoint: hole.url, timeoutMs: settings.timeoutMs });
    return buildTestApp({ cognito: { settings, client }, mailbox: undefined });
  }

  it('answers the custom sign-in with a 503 page once the API call times out, not a hang (double)', async () => {
    const t = hangingApp();
    const agent = t.agent();
    const page = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ email: 'a@example.com', password: 'Passw0rd!x', _csrf: csrfOf(page.text) });
    expect(res.status).to.equal(503);
    expect(res.text).to.contain('Cognito could not be reached');
  });

  it('answers a page that needs the password policy with a 503 page (double)', async () => {
    expect((await hangingApp().agent().get('/signup')).status).to.equal(503);
  });

  it('answers the Hosted UI callback with a 503 page when the token endpoint hangs (double)', async () => {
    const t = hangingApp();
    const agent = t.agent();
    const login = await agent.get('/login/hosted').expect(302);
    const state = new URL(login.headers.location as string).searchParams.get('state') as string;
    const res = await agent.get(`/callback?code=abc&state=${encodeURIComponent(state)}`);
    expect(res.status).to.equal(503);
    await agent.get('/complete').expect(303);
  });

  it('gives up on a hanging JWKS endpoint with upstream_unavailable (double)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ token_use: 'id', sub: 's', iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setIssuer(hole.url)
      .setAudience(settings.clientId)
      .sign(privateKey);
    const err = await createTokenVerifier(settings)
      .verifyIdToken(token)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(CognitoAuthError);
    expect((err as CognitoAuthError).code).to.equal('upstream_unavailable');
  });
});
