import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildTestApp } from '../../helpers/app';
import { testEmulator } from '../../helpers/emulator';
import { newEmail, submit } from '../../helpers/forms';
import { TEST_PASSWORD } from '../../helpers/users';

const NEW_PASSWORD = 'N3w-Passw0rd!';

describe('POST /login/new-password (against cognito-local)', () => {
  it('takes an account an administrator created from its temporary password to a password of its own, keeping returnTo; the session then refreshes', async () => {
    let offset = 0;
    const t = buildTestApp({ clock: () => Date.now() + offset });
    const { client, ids } = testEmulator();
    const email = newEmail('temporary');
    await client.send(
      new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: email, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
    );
    expect((await submit(t.agent(), '/login', '/login', { email, password: 'Wr0ng-Passw0rd!' })).status, 'a wrong temporary password').to.equal(401);
    const agent = t.agent();
    const login = await submit(agent, '/login?returnTo=%2Fcomplete', '/login?returnTo=%2Fcomplete', { email, password: TEST_PASSWORD });
    expect(login.status).to.equal(303);
    expect(login.headers.location).to.equal('/login/new-password');
    const weak = await submit(agent, '/login/new-password', '/login/new-password', { password: 'weak', passwordConfirm: 'weak' });
    expect(weak.status).to.equal(400);
    expect(weak.text, 'each unmet rule listed').to.match(/data-rule="length" class="unmet"/);
    const done = await submit(agent, '/login/new-password', '/login/new-password', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/complete');
    expect((await agent.get('/complete').expect(200)).text).to.contain(email);
    await agent.get('/login/new-password').expect(303).expect('Location', '/login');
    offset = 59.5 * 60_000; // the access token is about to expire: the next page refreshes it
    expect((await agent.get('/profile').expect(200)).text, 'still signed in after the refresh').to.contain(email);
    expect((await submit(t.agent(), '/login', '/login', { email, password: NEW_PASSWORD })).status, 'the chosen password').to.equal(303);
    expect((await submit(t.agent(), '/login', '/login', { email, password: TEST_PASSWORD })).status, 'the temporary password').to.equal(401);
  });
});
