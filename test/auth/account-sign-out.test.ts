import { expect } from 'chai';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../helpers/app';
import { createClientDouble } from '../helpers/client-double';
import { testEmulator } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

async function signIn(agent: Agent, user: { email: string; password: string }): Promise<void> {
  expect((await submit(agent, '/login', '/login', user)).status, 'signed in').to.equal(303);
}

describe('POST /profile/sign-out-everywhere when Cognito revokes only some tokens', () => {
  it('ends every session anyway and logs what was and was not revoked (double: the second RevokeToken fails)', async () => {
    const { client: real, emulator, ids } = testEmulator();
    let revokes = 0;
    // A client that may use neither global sign-out (IAM refuses the admin call; the access token's
    // scope lacks aws.cognito.signin.user.admin): the refresh tokens are revoked one by one.
    const refused = (name: string) => Promise.reject(Object.assign(new Error('refused'), { name }));
    const double = createClientDouble(real, (c) => {
      if (c.name === 'AdminUserGlobalSignOutCommand') return refused('AccessDeniedException');
      if (c.name === 'GlobalSignOutCommand') return refused('NotAuthorizedException');
      if (c.name !== 'RevokeTokenCommand') return undefined;
      revokes += 1;
      return revokes === 2 ? Promise.reject(Object.assign(new Error('boom'), { name: 'InternalErrorException' })) : undefined;
    });
    const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
    const t = buildTestApp({ cognito: { settings, client: double.client } });
    const user = await createConfirmedUser();
    const [a, b, c] = [t.agent(), t.agent(), t.agent()];
    for (const agent of [a, b, c]) await signIn(agent, user);

    const res = await submit(a, '/profile', '/profile/sign-out-everywhere', {});
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?notice=signed_out_everywhere');
    for (const agent of [a, b, c]) await agent.get('/profile').expect(303);
    expect(revokes, 'this session’s token and the two others').to.equal(3);
    const entry = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'signed out everywhere');
    expect(entry).to.include({ sessionsEnded: 3, cognito: 'RevokeToken', revoked: 2 });
    expect(entry?.failures).to.deep.equal([
      'AdminUserGlobalSignOut: AccessDeniedException',
      'GlobalSignOut: NotAuthorizedException',
      'RevokeToken: InternalErrorException',
    ]);
  });
});
