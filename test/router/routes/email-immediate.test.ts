import { expect } from 'chai';
import type { PoolIds } from '../../../src/cognito/settings';
import { appOn, attributeCodeFor, createPool, createUserIn, profileOf, signIn, signInStatus } from '../../helpers/email-pools';
import { newEmail, submit } from '../../helpers/forms';
import { TEST_PASSWORD } from '../../helpers/users';

describe('e-mail change, where the pool changes the address at once (against cognito-local)', () => {
  let immediatePool: PoolIds;
  before(async () => {
    immediatePool = await createPool(false);
  });

  it('shows the new address unverified at once, then verified after the code', async () => {
    const t = appOn(immediatePool);
    const user = await createUserIn(immediatePool);
    const next = newEmail('immediate');
    const agent = await signIn(t, user.email);
    expect((await submit(agent, '/email/change', '/email/change', { email: next, currentPassword: TEST_PASSWORD })).status).to.equal(303);
    const page = await agent.get('/email/verify').set('Accept-Language', 'en').expect(200);
    expect(page.text).to.contain(`You already sign in with ${next}`);
    const changed = await profileOf(agent);
    expect(changed.email).to.equal(next);
    expect(changed.header).to.equal(next);
    expect(changed.verified).to.equal('Not verified');
    expect(changed.text).to.contain('not verified yet');
    expect(await signInStatus(t, next)).to.equal(303);
    expect(await signInStatus(t, user.email)).to.equal(401);

    expect((await submit(agent, '/email/verify', '/email/verify', { code: attributeCodeFor(immediatePool, next) })).status).to.equal(303);
    expect((await profileOf(agent)).verified).to.equal('Verified');
  });
});
