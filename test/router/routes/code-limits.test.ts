import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { attributeCodeFor } from '../../helpers/email-pools';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, csrfOf, newEmail, submit } from '../../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

const NEW_PASSWORD = 'N3w-Passw0rd!';
/**
 * The package's limit in these tests. Below the emulator's own (like Cognito, it refuses a code after 5
 * wrong tries with LimitExceededException until a new one is sent), so that what closes the step here is
 * the package's count across IPs, with its Retry-After, not Cognito's.
 */
const LIMIT = 4;

/** A code that is not `code`. */
const wrongCodeFor = (code: string) => (code === '000000' ? '111111' : '000000');

let ip = 0;
/** Behind the proxy, each request from a new client IP, as an attacker with many addresses sends them. */
function fromNewIp(agent: Agent): Agent {
  ip += 1;
  return agent.set('X-Forwarded-For', `198.18.${Math.floor(ip / 250) % 250}.${(ip % 250) + 1}`);
}

/**
 * Sends `LIMIT` wrong codes, each from a new IP (400 each), then one more (429), then the right code
 * (429 too: the account's code step stays closed until the hour ends).
 */
async function guessFromManyIps(agent: Agent, action: string, fields: (code: string) => Record<string, string>, right: string, csrf: string) {
  const wrong = wrongCodeFor(right);
  for (let i = 0; i < LIMIT; i += 1) {
    const res = await fromNewIp(agent)
      .post(action)
      .type('form')
      .send({ ...fields(wrong), _csrf: csrf });
    expect(res.status, `${action}: wrong code ${i + 1}`).to.equal(400);
  }
  const over = await fromNewIp(agent)
    .post(action)
    .set('Accept-Language', 'en')
    .type('form')
    .send({ ...fields(wrong), _csrf: csrf });
  expect(over.status, `${action}: wrong code ${LIMIT + 1}`).to.equal(429);
  expect(over.headers['retry-after']).to.match(/^\d+$/);
  expect(over.text).to.contain('Too many requests');
  const blocked = await fromNewIp(agent)
    .post(action)
    .type('form')
    .send({ ...fields(right), _csrf: csrf });
  expect(blocked.status, `${action}: the right code after the limit`).to.equal(429);
}

describe('wrong codes per account, from all client IPs together (RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp({ env: { TRUST_PROXY: '1', RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: String(LIMIT) } });
  });

  it('POST /password/reset: the 5th wrong code is 429 (limit 4), then even the right code; the password stays, and another account is not affected', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(fromNewIp(agent), '/password/forgot', '/password/forgot', { email: user.email });
    const csrf = csrfOf((await fromNewIp(agent).get('/password/reset').expect(200)).text);
    const fields = (code: string) => ({ email: user.email, code, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    await guessFromManyIps(agent, '/password/reset', fields, codeFromEmulator(user.email), csrf);
    expect((await submit(fromNewIp(t.agent()), '/login', '/login', user)).status, 'the old password still signs in').to.equal(303);

    const other = await createConfirmedUser();
    const owner = t.agent();
    await submit(fromNewIp(owner), '/password/forgot', '/password/forgot', { email: other.email });
    const reset = await submit(fromNewIp(owner), '/password/reset', '/password/reset', {
      email: other.email,
      code: codeFromEmulator(other.email),
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(reset.status).to.equal(303);
  });

  it('POST /signup/confirm: the 5th wrong code is 429 (limit 4), then even the right code; the account stays unconfirmed', async () => {
    const email = newEmail('confirm-limit');
    const agent = t.agent();
    expect(
      (await submit(fromNewIp(agent), '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD })).status,
    ).to.equal(303);
    const csrf = csrfOf((await fromNewIp(agent).get('/signup/confirm').expect(200)).text);
    await guessFromManyIps(agent, '/signup/confirm', (code) => ({ email, code }), codeFromEmulator(email), csrf);
    const login = await submit(fromNewIp(t.agent()), '/login', '/login', { email, password: TEST_PASSWORD });
    expect(login.headers.location, 'still unconfirmed').to.equal('/signup/confirm');
  });

  it('POST /email/verify: the 5th wrong code is 429 (limit 4), then even the right code; the address stays unverified', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(fromNewIp(agent), '/login', '/login', user)).status).to.equal(303);
    expect((await submit(fromNewIp(agent), '/profile', '/email/verify/send', {})).status).to.equal(303);
    const csrf = csrfOf((await fromNewIp(agent).get('/email/verify').expect(200)).text);
    await guessFromManyIps(agent, '/email/verify', (code) => ({ code }), attributeCodeFor(testEmulator().ids, user.email), csrf);
    const profile = await fromNewIp(agent).get('/profile').set('Accept-Language', 'en').expect(200);
    expect(/data-field="email-verified">([^<]*)</.exec(profile.text)?.[1]).to.equal('Not verified');
  });

  it('counts only codes that reach Cognito: malformed ones are form mistakes, and do not close the step', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(fromNewIp(agent), '/password/forgot', '/password/forgot', { email: user.email });
    const csrf = csrfOf((await fromNewIp(agent).get('/password/reset').expect(200)).text);
    const send = (code: string) =>
      fromNewIp(agent)
        .post('/password/reset')
        .type('form')
        .send({ email: user.email, code, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, _csrf: csrf });
    for (let i = 0; i < LIMIT + 2; i += 1) expect((await send('not-a-code')).status, `malformed ${i + 1}`).to.equal(400);
    const right = codeFromEmulator(user.email);
    for (let i = 0; i < LIMIT - 1; i += 1) expect((await send(wrongCodeFor(right))).status, `wrong ${i + 1}`).to.equal(400);
    expect((await send(right)).status, 'the right code, the tenth counted attempt').to.equal(303);
  });
});
