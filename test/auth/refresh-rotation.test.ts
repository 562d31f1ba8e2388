import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createRefreshService } from '../../src/cognito/refresh-service';
import { buildUserPoolClientInput } from '../../src/cognito/pool-settings';
import type { PoolIds } from '../../src/cognito/settings';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../helpers/app';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { storedSessions } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const MINUTE = 60_000;

/** App clients this file added to the suite's pool (other files expect the pool's one client). */
const added: string[] = [];

/** A second app client of the suite's pool, as the CDK stack makes it with rotation on (no grace period). */
async function rotatingClient(): Promise<PoolIds> {
  const { client, ids } = testEmulator();
  const input = buildUserPoolClientInput(ids.userPoolId, TEST_APP_BASE_URL, { refreshTokenRotation: { retryGracePeriodSeconds: 0 } });
  const out = await client.send(new CreateUserPoolClientCommand({ ...input, ClientName: `rotating-${Date.now()}` }));
  added.push(out.UserPoolClient?.ClientId as string);
  return { userPoolId: ids.userPoolId, clientId: out.UserPoolClient?.ClientId as string, clientSecret: out.UserPoolClient?.ClientSecret };
}

async function removeAddedClients(): Promise<void> {
  const { client, ids } = testEmulator();
  for (const clientId of added.splice(0)) await client.send(new DeleteUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: clientId }));
}

async function storedRefreshToken(t: TestApp): Promise<string> {
  const withTokens = Object.values(await storedSessions(t.sessionStore)).filter((s) => s.cognito?.tokens);
  expect(withTokens).to.have.length(1);
  return withTokens[0]!.cognito!.tokens!.refreshToken as string;
}

/** The reference app on `ids`, signed in by password, with a clock the test moves to just before the access token expires. */
async function signedInApp(ids: PoolIds) {
  let offset = 0;
  const { client, emulator } = testEmulator();
  const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
  const t = buildTestApp({ cognito: { settings, client }, clock: () => Date.now() + offset });
  const user = await createConfirmedUser();
  const agent = t.agent();
  await submit(agent, '/login', '/login', { email: user.email, password: user.password }).then((res) => expect(res.status).to.equal(303));
  return {
    t,
    agent,
    /** One request 59.5 minutes on (the emulator's access tokens live 60), and the clock back. */
    nearExpiry: async (path: string) => {
      offset = 59.5 * MINUTE;
      try {
        return await agent.get(path);
      } finally {
        offset = 0;
      }
    },
  };
}

describe('refresh-token rotation (against cognito-local)', () => {
  let rotating: PoolIds;
  before(async () => {
    rotating = await rotatingClient();
  });
  after(removeAddedClients);

  it('refreshes through GetTokensFromRefreshToken and keeps the new refresh token, which refreshes next time', async () => {
    const { t, nearExpiry } = await signedInApp(rotating);
    const first = await storedRefreshToken(t);
    expect((await nearExpiry('/complete')).status).to.equal(200);
    const second = await storedRefreshToken(t);
    expect(second).to.not.equal(first);
    expect((await nearExpiry('/complete')).status).to.equal(200);
    expect(await storedRefreshToken(t)).to.not.equal(second);
  });

  it('ends the session when its refresh token was already rotated out (RefreshTokenReuseException)', async () => {
    const { t, agent, nearExpiry } = await signedInApp(rotating);
    const stolen = await storedRefreshToken(t);
    // Someone else refreshed with a copy of the token first: Cognito rotated it out.
    await testEmulator().client.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: rotating.clientId, ClientSecret: rotating.clientSecret, RefreshToken: stolen }),
    );
    const res = await nearExpiry('/password/change');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fpassword%2Fchange&notice=session_expired');
    await agent
      .get('/password/change')
      .expect(303)
      .expect('Location', /^\/login\?returnTo=/);
    expect(Object.values(await storedSessions(t.sessionStore)).filter((s) => s.cognito?.user)).to.have.length(0);
  });

  it('ends the session when Cognito refuses its refresh token (revoked)', async () => {
    const { t, nearExpiry } = await signedInApp(rotating);
    const token = await storedRefreshToken(t);
    await testEmulator().client.send(new RevokeTokenCommand({ Token: token, ClientId: rotating.clientId, ClientSecret: rotating.clientSecret }));
    const res = await nearExpiry('/password/change');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fpassword%2Fchange&notice=session_expired');
    expect(Object.values(await storedSessions(t.sessionStore)).filter((s) => s.cognito?.user)).to.have.length(0);
  });
});

describe('createRefreshService (against cognito-local)', () => {
  after(removeAddedClients);

  it('detects rotation from DescribeUserPoolClient: on for the rotating client, off for the suite’s own', async () => {
    const { client, ids } = testEmulator();
    const settings = (p: PoolIds) => ({ ...p, contextData: false });
    expect(await createRefreshService(client, settings(await rotatingClient())).rotates()).to.equal(true);
    expect(await createRefreshService(client, settings(ids)).rotates()).to.equal(false);
  });

  it('takes the setting from configuration without asking Cognito (double: a client that records what it is asked)', async () => {
    const { client, ids } = testEmulator();
    const asked: string[] = [];
    const refusing = {
      send(command: { constructor: { name: string } }) {
        asked.push(command.constructor.name);
        return client.send(command as never);
      },
    } as unknown as typeof client;
    const settings = { ...ids, contextData: false };
    expect(await createRefreshService(refusing, settings, 'on').rotates()).to.equal(true);
    expect(await createRefreshService(refusing, settings, 'off').rotates()).to.equal(false);
    expect(asked).to.deep.equal([]);
  });

  it('uses GetTokensFromRefreshToken when the server may not read the client (double: AccessDeniedException)', async () => {
    const { client, ids } = testEmulator();
    const denying = {
      send(command: { constructor: { name: string } }) {
        if (command.constructor.name === 'DescribeUserPoolClientCommand') {
          return Promise.reject(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
        }
        return client.send(command as never);
      },
    } as unknown as typeof client;
    expect(await createRefreshService(denying, { ...ids, contextData: false }).rotates()).to.equal(true);
  });
});
