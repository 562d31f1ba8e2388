import { RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import { buildTestApp, type TestApp, resolveCognitoSettings } from '../helpers/app';
import { createClientDouble } from '../helpers/client-double';
import { testEmulator } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { signInThroughHostedUi } from '../helpers/hosted-ui';
import { storedSessions } from '../helpers/sessions';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../helpers/test-issuer';
import { createConfirmedUser } from '../helpers/users';

const MINUTE = 60_000;

async function storedTokens(t: TestApp): Promise<{ accessToken: string; refreshToken: string }> {
  const withTokens = Object.values(await storedSessions(t.sessionStore)).filter((s) => s.cognito?.tokens);
  expect(withTokens).to.have.length(1);
  const tokens = withTokens[0]!.cognito!.tokens!;
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken as string };
}

/**
 * An app with a spy on the Cognito client (every call still goes to the emulator) and a clock the test
 * moves ahead. Tokens carry real expiry times, so the clock comes back to real time as soon as Cognito
 * is asked for a refresh: the new tokens then look as fresh to the app as they are.
 */
function spiedApp() {
  let offset = 0;
  const { client: real, emulator, ids } = testEmulator();
  const spy = createClientDouble(real, (command) => {
    if (command.name === 'InitiateAuthCommand') offset = 0;
    return undefined;
  });
  const base = buildTestApp();
  const settings = resolveCognitoSettings(base.config, ids, emulator.url);
  const realFetch = globalThis.fetch;
  const t = buildTestApp({ cognito: { settings, client: spy.client }, clock: () => Date.now() + offset });
  return {
    t,
    sent: spy.sent,
    advance: (ms: number) => (offset += ms),
    /**
     * For Hosted UI sessions, which refresh at the token endpoint through fetch: records the grant type
     * of every token-endpoint request, until `restore`.
     */
    watchTokenEndpoint: () => {
      const grants: string[] = [];
      globalThis.fetch = (...args: Parameters<typeof fetch>) => {
        const [input, init] = args;
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.endsWith('/oauth2/token')) {
          offset = 0;
          const body = init?.body;
          grants.push(new URLSearchParams(typeof body === 'string' || body instanceof URLSearchParams ? body : '').get('grant_type') ?? '');
        }
        return realFetch(...args);
      };
      return { grants, restore: () => (globalThis.fetch = realFetch) };
    },
  };
}

describe('access-token refresh (against cognito-local, controllable clock)', () => {
  it('makes no call to Cognito on an ordinary signed-in request (double: a spy on the client and on fetch)', async () => {
    const { t, sent } = spiedApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    const callsBefore = sent.length;
    const realFetch = globalThis.fetch;
    let fetches = 0;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => {
      fetches += 1;
      return realFetch(...args);
    };
    try {
      for (let i = 0; i < 5; i += 1) await agent.get('/complete').expect(200);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent.length - callsBefore).to.equal(0);
    expect(fetches, 'no JWKS or token endpoint request').to.equal(0);
  });

  it('refreshes a password session once its access token is within 60 s of expiry (REFRESH_TOKEN_AUTH; double: a spy on the client)', async () => {
    const { t, sent, advance } = spiedApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    const before = await storedTokens(t);
    advance(59.5 * MINUTE); // the emulator's access tokens live 60 minutes
    await agent.get('/complete').expect(200);
    const after = await storedTokens(t);
    expect(after.accessToken).to.not.equal(before.accessToken);
    expect(after.refreshToken).to.equal(before.refreshToken);
    const refreshes = sent.filter((c) => c.name === 'InitiateAuthCommand' && c.input.AuthFlow === 'REFRESH_TOKEN_AUTH');
    expect(refreshes).to.have.length(1);
  });

  it('shares one refresh among concurrent requests of one session (double: a spy on the client)', async () => {
    const { t, sent, advance } = spiedApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    advance(59.5 * MINUTE);
    const results = await Promise.all(Array.from({ length: 6 }, () => agent.get('/complete')));
    expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expect(sent.filter((c) => c.name === 'InitiateAuthCommand' && c.input.AuthFlow === 'REFRESH_TOKEN_AUTH')).to.have.length(1);
  });

  it('refreshes a Hosted UI session at the token endpoint (double: a spy on the client and on fetch)', async () => {
    const { t, sent, advance, watchTokenEndpoint } = spiedApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await signInThroughHostedUi(agent, user);
    const before = await storedTokens(t);
    const endpoint = watchTokenEndpoint();
    try {
      advance(59.5 * MINUTE);
      await agent.get('/complete').expect(200);
    } finally {
      endpoint.restore();
    }
    expect(endpoint.grants, 'token endpoint requests').to.deep.equal(['refresh_token']);
    expect(
      sent.filter((c) => c.name === 'InitiateAuthCommand'),
      'no REFRESH_TOKEN_AUTH through the API',
    ).to.have.length(0);
    expect((await storedTokens(t)).accessToken).to.not.equal(before.accessToken);
  });

  for (const path of ['password', 'hosted-ui'] as const) {
    it(`ends a ${path} session whose refresh token was revoked, and sends the person to sign in with returnTo (double: a spy on the client and on fetch)`, async () => {
      const { t, sent, advance, watchTokenEndpoint } = spiedApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      if (path === 'password') await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      else await signInThroughHostedUi(agent, user);
      const { refreshToken } = await storedTokens(t);
      const { client, ids } = testEmulator();
      await client.send(new RevokeTokenCommand({ Token: refreshToken, ClientId: ids.clientId, ClientSecret: ids.clientSecret }));

      const endpoint = watchTokenEndpoint();
      try {
        advance(59.5 * MINUTE);
        const res = await agent.get('/password/change').expect(303);
        expect(res.headers.location).to.equal('/login?returnTo=%2Fpassword%2Fchange&notice=session_expired');
      } finally {
        endpoint.restore();
      }
      // The refusal came from where this kind of session refreshes.
      const apiRefreshes = sent.filter((c) => c.name === 'InitiateAuthCommand' && c.input.AuthFlow === 'REFRESH_TOKEN_AUTH');
      if (path === 'password') {
        expect(apiRefreshes).to.have.length(1);
        expect(endpoint.grants).to.deep.equal([]);
      } else {
        expect(apiRefreshes).to.have.length(0);
        expect(endpoint.grants).to.deep.equal(['refresh_token']);
      }
      await agent.get('/password/change').expect(303); // the session is gone, not just refused once
    });
  }

  describe('against the test issuer (its token endpoint answers the refresh grant)', () => {
    let issuer: TestIssuer;
    before(async () => {
      issuer = await startTestIssuer();
    });
    after(() => issuer.stop());

    /** A Hosted UI session at the issuer, and a clock 59.5 minutes ahead: its next request refreshes. */
    async function nearExpiry() {
      let offset = 0;
      issuer.forge({});
      const t = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client }, clock: () => Date.now() + offset });
      const { agent, res } = await signInAtIssuer(t);
      expect(res.status).to.equal(303);
      offset = 59.5 * MINUTE;
      return { t, agent, back: () => (offset = 0) };
    }

    it('ends the session when the refresh answers with another user’s tokens, rather than become that user', async () => {
      const { agent } = await nearExpiry();
      const someoneElse = (c: JWTPayload) => ({ ...c, sub: 'another-sub', email: 'another@example.com' });
      issuer.forge({ claims: someoneElse, access: someoneElse });
      const res = await agent.get('/complete').expect(303);
      expect(res.headers.location).to.equal('/login?returnTo=%2Fcomplete&notice=session_expired');
      issuer.forge({});
      await agent.get('/complete').expect(303).expect('Location', '/');
    });

    it('answers 503 while the token endpoint is unreachable and keeps the session for when it is back', async () => {
      const { agent } = await nearExpiry();
      issuer.tokenEndpointDown(true);
      try {
        const res = await agent.get('/complete').expect(503);
        expect(res.text).to.not.match(/eyJ[\w-]+\./);
      } finally {
        issuer.tokenEndpointDown(false);
      }
      const complete = await agent.get('/complete').expect(200);
      expect(complete.text).to.contain('hostile@example.com');
    });
  });
});
