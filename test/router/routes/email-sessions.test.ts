import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import type { PoolIds } from '../../../src/cognito/settings';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { appOn, attributeCodeFor, createPool, createUserIn } from '../../helpers/email-pools';
import { testEmulator } from '../../helpers/emulator';
import { newEmail, submit } from '../../helpers/forms';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

async function signIn(t: TestApp, email: string, password = TEST_PASSWORD): Promise<{ agent: Agent; sid: string }> {
  const agent = t.agent();
  const res = await submit(agent, '/login', '/login', { email, password });
  expect(res.status, `sign-in as ${email}`).to.equal(303);
  return { agent, sid: sessionIdOf(sidOf(res)!) };
}

describe('e-mail change and the other sessions of the account (against cognito-local)', () => {
  let keepPool: PoolIds;
  let immediatePool: PoolIds;
  before(async () => {
    keepPool = await createPool(true);
    immediatePool = await createPool(false);
  });

  it('a completed change ends every other session of the account; this browser stays signed in', async () => {
    const store = new session.MemoryStore();
    const t = appOn(keepPool, store);
    const user = await createUserIn(keepPool);
    const a = await signIn(t, user.email);
    const b = await signIn(t, user.email);
    const next = newEmail('moved');
    expect((await submit(a.agent, '/email/change', '/email/change', { email: next, currentPassword: TEST_PASSWORD })).status).to.equal(303);
    await b.agent.get('/profile').expect(200); // nothing moved yet: the old address stays until the code
    expect((await submit(a.agent, '/email/verify', '/email/verify', { code: attributeCodeFor(keepPool, next) })).status).to.equal(303);
    await b.agent.get('/profile').expect(303);
    expect(await storedSession(store, b.sid)).to.equal(null);
    expect((await a.agent.get('/profile').expect(200)).text).to.contain(next);
  });

  it('where the pool moves the address at once, the change ends the other sessions at once, in the store too', async () => {
    const store = new session.MemoryStore();
    const t = appOn(immediatePool, store);
    const user = await createUserIn(immediatePool);
    const a = await signIn(t, user.email);
    const b = await signIn(t, user.email);
    expect((await submit(a.agent, '/email/change', '/email/change', { email: newEmail('at-once'), currentPassword: TEST_PASSWORD })).status).to.equal(
      303,
    );
    expect(await storedSession(store, b.sid)).to.equal(null);
    await b.agent.get('/profile').expect(303);
    await a.agent.get('/profile').expect(200);
  });

  it("checks the current password by the account's username, so a session whose address changed elsewhere can still change it", async () => {
    const { client, ids } = testEmulator();
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const { agent } = await signIn(t, user.email);
    // An administrator moves the address: this session still holds the old one.
    const moved = newEmail('by-admin');
    await client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: ids.userPoolId,
        Username: user.email,
        UserAttributes: [
          { Name: 'email', Value: moved },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    const res = await submit(agent, '/email/change', '/email/change', { email: newEmail('next'), currentPassword: user.password });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/email/verify');
  });
});
