import { expect } from 'chai';
import { buildTestApp } from '../../helpers/app';
import { csrfOf, newEmail, submit } from '../../helpers/forms';
import { createConfirmedUser } from '../../helpers/users';

type Agent = ReturnType<ReturnType<typeof buildTestApp>['agent']>;

/** Sends one sign-in with the form's CSRF token (fetched once per browser). */
async function signIn(agent: Agent, csrf: string, email: string, password: string) {
  return agent.post('/login').type('form').send({ email, password, _csrf: csrf });
}

/** A browser behind the proxy: every request carries `X-Forwarded-For` as the proxy would send it. */
async function browserAt(t: ReturnType<typeof buildTestApp>, forwardedFor: string): Promise<{ agent: Agent; csrf: string }> {
  const agent = t.agent().set('X-Forwarded-For', forwardedFor);
  return { agent, csrf: csrfOf((await agent.get('/login').expect(200)).text) };
}

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
    const ja = await agent
      .post('/login')
      .set('Accept-Language', 'ja')
      .type('form')
      .send({
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

  it('counts failed sign-ins per address and client IP: 5 failures from one IP lock that IP out, the owner still signs in from another', async () => {
    const t = buildTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL: '10' } });
    const user = await createConfirmedUser();
    const attacker = await browserAt(t, '203.0.113.5');
    for (let i = 0; i < 5; i += 1) expect((await signIn(attacker.agent, attacker.csrf, user.email, 'Wr0ng-Password!')).status).to.equal(401);
    // Refused attempts go on, more than the per-address ceiling: they must not count towards it.
    for (let i = 0; i < 10; i += 1) expect((await signIn(attacker.agent, attacker.csrf, user.email, 'Wr0ng-Password!')).status).to.equal(429);
    expect((await signIn(attacker.agent, attacker.csrf, user.email, user.password)).status, 'the right password from that IP').to.equal(429);

    const owner = await browserAt(t, '198.51.100.7');
    expect((await signIn(owner.agent, owner.csrf, user.email, user.password)).status).to.equal(303);
  });

  it('stops failed sign-ins for an address at a looser ceiling across all IPs', async () => {
    const t = buildTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_SIGNIN_FAILURES_PER_EMAIL: '6' } });
    const user = await createConfirmedUser();
    for (const ip of ['203.0.113.1', '203.0.113.2']) {
      const b = await browserAt(t, ip);
      for (let i = 0; i < 3; i += 1) expect((await signIn(b.agent, b.csrf, user.email, 'Wr0ng-Password!')).status, `from ${ip}`).to.equal(401);
    }
    const owner = await browserAt(t, '198.51.100.7');
    const blocked = await signIn(owner.agent, owner.csrf, user.email, user.password);
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
    const other = await createConfirmedUser();
    expect((await signIn(owner.agent, owner.csrf, other.email, other.password)).status, 'another address').to.equal(303);
  });

  it('with TRUST_PROXY=2, takes the client IP two entries from the right of X-Forwarded-For, whatever a client wrote before it', async () => {
    const t = buildTestApp({ env: { TRUST_PROXY: '2' } });
    const user = await createConfirmedUser();
    const attacker = await browserAt(t, '203.0.113.5, 10.0.0.2');
    for (let i = 0; i < 5; i += 1) {
      // What the client sent comes first; the outer proxy appended the client's address, the inner one the outer's.
      attacker.agent.set('X-Forwarded-For', `192.0.2.${i}, 203.0.113.5, 10.0.0.2`);
      expect((await signIn(attacker.agent, attacker.csrf, user.email, 'Wr0ng-Password!')).status).to.equal(401);
    }
    attacker.agent.set('X-Forwarded-For', '192.0.2.99, 203.0.113.5, 10.0.0.2');
    expect((await signIn(attacker.agent, attacker.csrf, user.email, user.password)).status).to.equal(429);
    const owner = await browserAt(t, '198.51.100.7, 10.0.0.2');
    expect((await signIn(owner.agent, owner.csrf, user.email, user.password)).status).to.equal(303);
  });

  it('counts wrong current passwords on /password/change and /email/change as failed sign-ins for the address, but not form mistakes', async () => {
    const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '1000' } });
    // Each page with its form filled in, and a form mistake that never reaches Cognito (not a guess).
    const forms: Array<[string, (password: string) => Record<string, string>, Record<string, string>]> = [
      [
        '/password/change',
        (currentPassword) => ({ currentPassword, password: 'N3w-Passw0rd!', passwordConfirm: 'N3w-Passw0rd!' }),
        { currentPassword: 'Wr0ng-Passw0rd!', password: 'short', passwordConfirm: 'short' },
      ],
      ['/email/change', (currentPassword) => ({ email: newEmail('counted'), currentPassword }), { email: 'not-an-address', currentPassword: 'x' }],
    ];
    for (const [page, fields, mistake] of forms) {
      const user = await createConfirmedUser();
      const agent = t.agent();
      expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
      for (let i = 0; i < 5; i += 1) expect((await submit(agent, page, page, mistake)).status, `${page}: form mistake ${i + 1}`).to.equal(400);
      for (let i = 0; i < 5; i += 1)
        expect((await submit(agent, page, page, fields('Wr0ng-Passw0rd!'))).status, `${page}: wrong password ${i + 1}`).to.equal(400);
      expect((await submit(agent, page, page, fields(user.password))).status, `${page}: the right password after five wrong ones`).to.equal(429);
      const signIn = await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password });
      expect(signIn.status, `a sign-in after five wrong passwords on ${page}`).to.equal(429);
    }
  });
});
