import { expect } from 'chai';
import { buildTestApp } from '../../helpers/app';
import { codeFromEmulator, newEmail, submit } from '../../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

describe('GET /signup when signed in', () => {
  it('goes on to returnTo (same-origin only), or to the profile', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    await agent.get('/signup').expect(303).expect('Location', '/profile');
    await agent.get('/signup?returnTo=%2Forders%3Fid%3D1').expect(303).expect('Location', '/orders?id=1');
    await agent.get('/signup?returnTo=https%3A%2F%2Fevil.example%2F').expect(303).expect('Location', '/profile');
  });

  it('still shows the form to a visitor who is not signed in', async () => {
    await buildTestApp().agent().get('/signup').expect(200);
  });
});

describe('POST /signup/confirm for an account already confirmed', () => {
  it('links to sign-in beside the message, without saying whether the account exists (accounts not revealed)', async () => {
    const t = buildTestApp();
    const agent = t.agent();
    const email = newEmail('twice');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const code = codeFromEmulator(email);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code })).status).to.equal(303);
    const again = await submit(agent, '/signup/confirm', '/signup/confirm', { email, code });
    expect(again.status).to.be.within(400, 409);
    expect(again.text).to.match(/data-next="sign-in">[^<]*<a href="\/login">/);
    expect(again.text, 'the code, a secret, is not typed back').not.to.contain(`value="${code}"`);
  });
});

describe('GET / (the reference app’s start page)', () => {
  it('speaks to users: no protocol talk in the body, which stays on /complete', async () => {
    const t = buildTestApp();
    const start = await t.agent().get('/').set('Accept-Language', 'en').expect(200);
    expect(start.text).not.to.match(/PKCE|authorization-code/i);
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    const signedIn = await agent.get('/').set('Accept-Language', 'en').expect(200);
    expect(signedIn.text).to.contain('href="/profile"');
    expect(signedIn.text).to.contain('href="/complete"');
    const complete = (await agent.get('/complete').set('Accept-Language', 'en').expect(200)).text;
    expect(complete).to.contain('PKCE');
    // Times in UTC in the page, for app.js to show in the viewer's zone.
    expect(complete).to.match(/data-field="id-expires"><time datetime="[^"]+Z" data-local-time>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
  });
});
