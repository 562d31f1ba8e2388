import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { callbackPath, startHostedUiSignIn } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

type Agent = ReturnType<TestApp['agent']>;


/**
 * Each hostile authorization response: what the browser brings to /auth/callback. The case gets a
 * browser that has started a sign-in (its pre-login cookie is `cookie`) and returns the callback path.
 */
const CASES: Array<[string, (ctx: { t: TestApp; agent: Agent; callback: URL; user: { email: string; password: string } }) => Promise<string>]> = [
  ['a missing state', async ({ callback }) => (callback.searchParams.delete('state'), callbackPath(callback))],
  ['a mismatched state', async ({ callback }) => (callback.searchParams.set('state', 'forged'), callbackPath(callback))],
  ['a repeated state', async ({ callback }) => `${callbackPath(callback)}&state=${encodeURIComponent(callback.searchParams.get('state') as string)}`],
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
  ['error=access_denied', async () => '/auth/callback?error=access_denied&error_description=User+cancelled'],
  ['error=server_error with HTML in error_description', async () => '/auth/callback?error=server_error&error_description=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E'],
  ['error=invalid_scope', async () => '/auth/callback?error=invalid_scope'],
];

describe('hostile authorization responses at GET /auth/callback (against cognito-local)', () => {
  let user: { email: string; password: string };
  before(async () => {
    user = await createConfirmedUser();
  });

  for (const [what, tamper] of CASES) {
    it(`refuses ${what}: 4xx error page, no session, session cookie unchanged, HTML escaped`, async () => {
      const t = buildTestApp();
      const agent = t.agent();
      const journey = await startHostedUiSignIn(agent, user);
      const preLogin = sidOf(await agent.get('/').expect(200)); // rolling: the pre-login session's cookie
      expect(preLogin).to.be.a('string');
      const path = await tamper({ t, agent, callback: journey.callbackUrl as URL, user });
      const res = await agent.get(path);
      expect(res.status).to.be.within(400, 499);
      expect(res.text).to.contain('class="error-message"');
      expect(res.text).to.not.contain('<img src=x');
      const after = sidOf(res);
      if (after !== undefined) expect(after).to.equal(preLogin);
      await agent.get('/complete').expect(303).expect('Location', '/');
    });
  }
});
