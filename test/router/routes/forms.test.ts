import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { csrfOf } from '../../helpers/forms';

describe('the custom pages’ forms (against cognito-local)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  it('uses the right autocomplete attributes', async () => {
    expect((await t.agent().get('/signup')).text)
      .to.match(/name="email" type="email" autocomplete="email"/)
      .and.match(/name="password" type="password" autocomplete="new-password"/);
    expect((await t.agent().get('/login')).text).to.match(/name="password" type="password" autocomplete="current-password"/);
    expect((await t.agent().get('/signup/confirm')).text).to.match(/name="code" type="text" autocomplete="one-time-code"/);
  });

  it('answers malformed fields (repeated, oversized, non-email) with 400 and the form, never 500', async () => {
    const agent = t.agent();
    const page = await agent.get('/signup');
    const csrf = csrfOf(page.text);
    const repeated = await agent
      .post('/signup')
      .type('form')
      .send(`email=a@example.com&email=b@example.com&password=x&passwordConfirm=x&_csrf=${csrf}`);
    expect(repeated.status).to.equal(400);
    const long = await agent
      .post('/signup')
      .type('form')
      .send({ email: `${'a'.repeat(300)}@example.com`, password: 'x', passwordConfirm: 'x', _csrf: csrf });
    expect(long.status).to.equal(400);
    expect(long.text).to.contain('This is too long');
    const notEmail = await agent
      .post('/login')
      .type('form')
      .send({ email: 'not-an-email', password: 'x', _csrf: csrfOf((await agent.get('/login')).text) });
    expect(notEmail.status).to.equal(400);
    expect(notEmail.text).to.contain('value="not-an-email"');
  });
});
