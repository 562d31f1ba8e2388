import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { submit } from '../../helpers/forms';
import { signInThroughHostedUi } from '../../helpers/hosted-ui';
import { createConfirmedUser } from '../../helpers/users';

describe('the profile page (against cognito-local)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  it('shows the same profile to a Hosted UI session', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    await signInThroughHostedUi(agent, user);
    const res = await agent.get('/profile').expect(200);
    expect(res.text).to.contain(user.email);
    expect(res.text).to.contain('Hosted UI');
  });

  it('updates the display name', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    const res = await submit(agent, '/profile', '/profile', { name: '山田 太郎' });
    expect(res.status).to.equal(303);
    const page = await agent.get('/profile').expect(200);
    expect(page.text).to.contain('山田 太郎');
    expect(page.text).to.contain('Your profile was saved');
  });
});
