import { Writable } from 'node:stream';
import { assert, expect } from 'chai';
import { createLogger } from '../../src/app/logger';
import { buildTestApp, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { callbackPath, startHostedUiSignIn } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

/**
 * Each hostile authorization response: what the browser brings to /callback. The case gets a
 * browser that has started a sign-in (its pre-login cookie is `cookie`) and returns the callback path.
 */
const CASES: Array<[string, (ctx: { t: TestApp; agent: Agent; callback: URL; user: { email: string; password: string } }) => Promise<string>]> = [
  ['a missing state', ({ callback }) => (callback.searchParams.delete('state'), Promise.resolve(callbackPath(callback)))],
  ['a mismatched state', ({ callback }) => (callback.searchParams.set('state', 'forged'), Promise.resolve(callbackPath(callback)))],
  [
    'a repeated state',
    ({ callback }) => Promise.resolve(`${callbackPath(callback)}&state=${encodeURIComponent(callback.searchParams.get('state') as string)}`),
  ],
  [
    'a replayed code',
    async ({ t, callback, user }) => {
      // The code was used once by its own browser; this browser replays it with its own fresh state.
      const owner = t.agent();
      const first = await startHostedUiSignIn(owner, user);
      await owner.get(callbackPath(first.callbackUrl as URL)).expect(303);
      callback.searchParams.set('code', (first.callbackUrl as URL).searchParams.get('code') as string);
      return callbackPath(callback);
    },
  ],
  [
    "a code issued for another browser's session",
    async ({ t, callback, user }) => {
      const other = await startHostedUiSignIn(t.agent(), user);
      callback.searchParams.set('code', (other.callbackUrl as URL).searchParams.get('code') as string);
      return callbackPath(callback);
    },
  ],
  ['error=access_denied', () => Promise.resolve('/callback?error=access_denied&error_description=User+cancelled')],
  [
    'error=server_error with HTML in error_description',
    () => Promise.resolve('/callback?error=server_error&error_description=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E'),
  ],
  ['error=invalid_scope', () => Promise.resolve('/callback?error=invalid_scope')],
];

describe('hostile authorization responses at GET /callback (against cognito-local)', () => {
  let user: { email: string; password: string };
  before(async () => {
    user = await createConfirmedUser();
  });

  for (const [what, tamper] of CASES) {
    it(`refuses ${what}: 4xx error page, no session, session cookie unchanged, HTML escaped`, async () => {
      const t = buildTestApp();
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const preLogin = journey.loginCookie; // the pre-login session's cookie
      expect(preLogin).to.be.a('string');
      const path = await tamper({ t, agent, callback: journey.callbackUrl as URL, user });
      const res = await agent.get(path);
      expect(res.status).to.be.within(400, 499);
      expect(res.text).to.contain('class="error-message"');
      expect(res.text).to.not.contain('<img src=x');
      // Not re-sent, or re-sent unchanged: the browser keeps the cookie it had.
      expect(sidOf(res) ?? preLogin, 'the pre-login session goes on: no new session').to.equal(preLogin);
      await agent.get('/complete').expect(303).expect('Location', '/');
    });
  }
});

/**
 * Authorization responses that are not well-formed (RFC 6749 §4.1.2: single, non-empty values; a code
 * or an error, never both), given the real code and state of a pending sign-in.
 */
const MALFORMED: Array<[string, (code: string, state: string) => string]> = [
  ['an empty code', (_c, s) => `code=&state=${s}`],
  ['an empty code and state', () => 'code=&state='],
  ['an empty state', (c) => `code=${c}&state=`],
  ['a repeated code', (c, s) => `code=${c}&code=${c}&state=${s}`],
  ['a code with a control character', (c, s) => `code=${c}%0A&state=${s}`],
  ['a state alone (neither code nor error)', (_c, s) => `state=${s}`],
  ['both a code and an error', (c, s) => `code=${c}&error=access_denied&state=${s}`],
  ['an empty error', (_c, s) => `error=&state=${s}`],
  ['a repeated error', (_c, s) => `error=access_denied&error=server_error&state=${s}`],
  ['an error code with a quote', (_c, s) => `error=%22access_denied%22&state=${s}`],
  ['an empty error_description', (_c, s) => `error=access_denied&error_description=&state=${s}`],
  ['a repeated error_description', (_c, s) => `error=access_denied&error_description=a&error_description=b&state=${s}`],
];

describe('malformed authorization responses at GET /callback (against cognito-local)', () => {
  let user: { email: string; password: string };
  before(async () => {
    user = await createConfirmedUser();
  });

  for (const [what, query] of MALFORMED) {
    it(`answers 400 to ${what}, starts no new authorization, and leaves the pending sign-in usable`, async () => {
      const agent = buildTestApp().agent();
      const journey = await startHostedUiSignIn(agent, user);
      const callback = journey.callbackUrl as URL;
      const res = await agent.get(
        `/callback?${query(encodeURIComponent(callback.searchParams.get('code') as string), encodeURIComponent(journey.state))}`,
      );
      expect(res.status).to.equal(400);
      expect(res.headers.location, 'no redirect (to Cognito or anywhere)').to.equal(undefined);
      expect(res.text).to.contain('data-code="bad_request"');
      await agent.get('/complete').expect(303).expect('Location', '/');
      expect((await agent.get(callbackPath(callback))).status, 'the real callback still finishes').to.equal(303);
    });
  }
});

/** The OAuth error codes (RFC 6749 §4.1.2.1) and what the page says for each; any other gets a generic line. */
const PROVIDER_ERRORS: Array<[string, number, string]> = [
  ['access_denied', 401, 'Cognito says the sign-in was cancelled'],
  ['invalid_request', 400, 'Cognito could not process the sign-in request'],
  ['unauthorized_client', 400, 'Cognito does not allow this app to sign people in this way'],
  ['unsupported_response_type', 400, 'Cognito does not allow the kind of sign-in this app asked for'],
  ['invalid_scope', 400, 'Cognito refused the permissions (scopes)'],
  ['server_error', 400, 'Cognito had an internal problem'],
  ['temporarily_unavailable', 400, 'Cognito is busy or briefly unavailable'],
  ['made_up_error', 400, 'Cognito reported an error it did not explain'],
];

describe('provider errors at GET /callback: explained, never echoed', () => {
  const hostile = 'Call +1-555-0100 now: your account is locked <b>verify</b> at evil.example';

  async function pendingState(agent: Agent): Promise<string> {
    const login = await agent.get('/login/hosted').expect(302);
    return new URL(login.headers.location as string).searchParams.get('state') as string;
  }

  for (const [error, status, message] of PROVIDER_ERRORS) {
    it(`explains error=${error} for a pending sign-in in the page's words, never error_description`, async () => {
      const agent = buildTestApp().agent();
      const state = await pendingState(agent);
      const res = await agent.get(`/callback?error=${error}&error_description=${encodeURIComponent(hostile)}&state=${state}`);
      expect(res.status).to.equal(status);
      expect(res.text).to.contain(message);
      expect(res.text).to.not.contain('555-0100');
      expect(res.text).to.not.contain('evil.example');
      expect(res.headers.location).to.equal(undefined);
      // The sign-in is over: the same state is not pending any more.
      expect((await agent.get(`/callback?error=${error}&state=${state}`)).text).to.not.contain(message);
    });
  }

  it('speaks Japanese to a Japanese browser', async () => {
    const agent = buildTestApp().agent();
    const state = await pendingState(agent);
    const res = await agent.get(`/callback?error=server_error&error_description=x&state=${state}`).set('Accept-Language', 'ja');
    expect(res.text).to.contain('Cognito で内部の問題が発生しました');
  });

  it('answers a provider error with no sign-in pending with a neutral 4xx page', async () => {
    const agent = buildTestApp().agent();
    await pendingState(agent);
    const res = await agent.get(`/callback?error=server_error&error_description=${encodeURIComponent(hostile)}&state=forged`);
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Please start the sign-in again');
    expect(res.text).to.not.contain('class="error-oauth"');
    expect(res.text).to.not.contain('555-0100');
  });

  it('logs error_description at debug level only, cut to 200 characters', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const agent = buildTestApp({ logger: createLogger({ level: 'debug', destination }) }).agent();
    const state = await pendingState(agent);
    const long = `${'d'.repeat(200)}TAIL-NOT-LOGGED`;
    await agent.get(`/callback?error=server_error&error_description=${long}&state=${state}`).expect(400);
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'authorization error from the provider');
    assert.exists(entry, 'a log line for the provider error');
    expect(entry?.level).to.equal(20);
    expect(entry?.description).to.equal('d'.repeat(200));
    expect(lines.join('')).to.not.contain('TAIL-NOT-LOGGED');
  });
});
