import { expect } from 'chai';
import { buildTestApp } from '../helpers/app';
import { csrfOf, newEmail, submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

describe('rate limits', () => {
  it('allows 5 failed sign-ins per address per window, then answers a localized 429 even with the right password', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    for (let i = 0; i < 5; i += 1) {
      expect((await submit(agent, '/login', '/login', { email: user.email, password: 'Wr0ng-Password!' })).status).to.equal(401);
    }
    const blocked = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
    expect(blocked.text).to.contain('Too many requests');
    const ja = await agent.post('/login').set('Accept-Language', 'ja').type('form').send({
      email: user.email.toUpperCase(),
      password: user.password,
      _csrf: csrfOf((await agent.get('/login')).text),
    });
    expect(ja.status, 'the address is matched case-insensitively').to.equal(429);
    expect(ja.text).to.contain('リクエストが多すぎます');
    // Another address is not affected.
    const other = await createConfirmedUser();
    expect((await submit(agent, '/login', '/login', { email: other.email, password: other.password })).status).to.equal(303);
  });

  it('does not count successful sign-ins against the address', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    for (let i = 0; i < 7; i += 1) {
      expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
    }
  });

  it('allows 30 requests a minute per client IP on the account pages, then 429', async () => {
    const t = buildTestApp();
    const agent = t.agent();
    for (let i = 0; i < 30; i += 1) await agent.get(i % 2 ? '/signup' : '/password/forgot').expect(200);
    const res = await agent.get('/login');
    expect(res.status).to.equal(429);
    expect(res.text).to.contain('class="error-message"');
    // Pages outside the limited set are not limited.
    await agent.get('/').expect(200);
  });

  it('takes its limits from the configuration', async () => {
    const t = buildTestApp({ env: { RATE_LIMIT_SIGNIN_FAILURES: '1', RATE_LIMIT_IP_PER_MINUTE: '100' } });
    const email = newEmail('limit');
    expect((await submit(t.agent(), '/login', '/login', { email, password: 'x' })).status).to.equal(401);
    expect((await submit(t.agent(), '/login', '/login', { email, password: 'x' })).status).to.equal(429);
  });
});
