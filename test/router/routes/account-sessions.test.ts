import { AdminDeleteUserCommand, AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import { userSessionIndexFor } from '../../../src/sessions/store-indexes';
import { appWithDouble, buildTestApp, type TestApp } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { testEmulator } from '../../helpers/emulator';
import { accessAccepted, refreshAccepted, signInElsewhere } from '../../helpers/emulator-tokens';
import { codeFromEmulator, csrfOf, submit } from '../../helpers/forms';
import { signInThroughHostedUi } from '../../helpers/hosted-ui';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { createConfirmedUser } from '../../helpers/users';

const NEW_PASSWORD = 'R3set-Passw0rd!';
const MINUTE = 60_000;

type Agent = ReturnType<TestApp['agent']>;

/** Signs `agent` in on the custom page; returns its session id. */
async function signIn(agent: Agent, user: { email: string; password: string }): Promise<string> {
  const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
  expect(res.status, 'signed in').to.equal(303);
  return sessionIdOf(sidOf(res)!);
}

describe('credential changes end every session of the account (against cognito-local, two browsers)', () => {
  let store: session.MemoryStore;
  let t: TestApp;
  beforeEach(() => {
    store = new session.MemoryStore();
    t = buildTestApp({ sessionStore: store });
  });

  it('a password change ends the other session’s refresh token at Cognito, not this one’s; a wrong current password ends nothing', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    await signIn(a, user);
    const sidB = await signIn(b, user);
    const refreshB = (await storedSession(store, sidB))!.cognito!.tokens!.refreshToken!;
    const wrong = await submit(a, '/password/change', '/password/change', {
      currentPassword: 'Wr0ng-Passw0rd!',
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('The current password is not right');
    await b.get('/profile').expect(200);
    expect(await refreshAccepted(refreshB), "B's refresh token after a failed change").to.equal(true);
    const change = await submit(a, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(change.status).to.equal(303);
    const refreshA = (await storedSession(store, sessionIdOf(sidOf(change)!)))!.cognito!.tokens!.refreshToken!;
    expect(await refreshAccepted(refreshB), "B's refresh token").to.equal(false);
    expect(await refreshAccepted(refreshA), "A's refresh token").to.equal(true);
  });

  it('a reset by e-mailed code ends every session of the account, in every browser, and they leave the store', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    const sids = [await signIn(a, user), await signIn(b, user)];
    const c = t.agent(); // someone (maybe the owner, on a third device) resets the password
    await submit(c, '/password/forgot', '/password/forgot', { email: user.email });
    const reset = await submit(c, '/password/reset', '/password/reset', {
      email: user.email,
      code: codeFromEmulator(user.email),
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(reset.status).to.equal(303);
    expect(reset.headers.location).to.equal('/login');
    for (const agent of [a, b]) await agent.get('/profile').expect(303).expect('Location', '/login?returnTo=%2Fprofile&notice=signed_in_required');
    for (const sid of sids) expect(await storedSession(store, sid)).to.equal(null);
    expect((await c.get('/login').set('Accept-Language', 'en')).text).to.contain('Your password was reset');
  });

  it('a reset by code in a browser signed in to the same account ends that session too, and still shows the notice', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const sid = await signIn(a, user);
    await submit(a, '/password/forgot', '/password/forgot', { email: user.email });
    const reset = await submit(a, '/password/reset', '/password/reset', {
      email: user.email,
      code: codeFromEmulator(user.email),
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(reset.status).to.equal(303);
    expect(await storedSession(store, sid)).to.equal(null);
    const login = await a.get('/login').set('Accept-Language', 'en').expect(200);
    expect(login.text).to.contain('Your password was reset');
    await a.get('/profile').expect(303);
  });

  it('deleting the account ends its other session: that browser gets the sign-in page, not a 502', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    await signIn(a, user);
    const sidB = await signIn(b, user);
    const del = await submit(a, '/profile', '/profile/delete', { confirmEmail: user.email, currentPassword: user.password });
    expect(del.status).to.equal(303);
    expect(await storedSession(store, sidB)).to.equal(null);
    await b.get('/profile').expect(303).expect('Location', '/login?returnTo=%2Fprofile&notice=signed_in_required');
    await b.get('/complete').expect(303).expect('Location', '/');
  });

  it('signs out everywhere from the profile page (CSRF): every session ends, tokens are revoked, the sign-in page says so', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    const sidA = await signIn(a, user);
    await signInThroughHostedUi(b, user);
    const sidB = (await userSessionIndexFor(store).list(user.sub)).find((sid) => sid !== sidA)!;
    const refreshTokens = [
      (await storedSession(store, sidA))!.cognito!.tokens!.refreshToken!,
      (await storedSession(store, sidB))!.cognito!.tokens!.refreshToken!,
    ];

    const page = await a.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(page.text).to.contain('action="/profile/sign-out-everywhere"');
    await a.post('/profile/sign-out-everywhere').type('form').send({}).expect(403);
    const out = await a
      .post('/profile/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(out.status).to.equal(303);
    expect(out.headers.location).to.equal('/login?notice=signed_out_everywhere');
    expect((await a.get(out.headers.location as string).set('Accept-Language', 'en')).text).to.contain('You were signed out on every device');
    expect((await a.get('/login?notice=signed_out_everywhere').set('Accept-Language', 'ja')).text).to.contain('すべての端末からサインアウトしました');
    await a.get('/profile').expect(303);
    await b.get('/complete').expect(303).expect('Location', '/');
    for (const sid of [sidA, sidB]) expect(await storedSession(store, sid)).to.equal(null);
    for (const token of refreshTokens) expect(await refreshAccepted(token)).to.equal(false);
  });

  it('ends the session when Cognito says the user is gone (deleted by an administrator): sign-in with a notice, never a 5xx', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    const sidA = await signIn(a, user);
    await signIn(b, user);
    const { client, ids } = testEmulator();
    await client.send(new AdminDeleteUserCommand({ UserPoolId: ids.userPoolId, Username: user.email }));

    const profile = await a.get('/profile').expect(303);
    expect(profile.headers.location).to.equal('/login?returnTo=%2Fprofile&notice=session_expired');
    expect((await a.get(profile.headers.location as string).set('Accept-Language', 'en')).text).to.contain('Your session has expired');
    expect(await storedSession(store, sidA)).to.equal(null);
    const change = await submit(b, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(change.status).to.equal(303);
    expect(change.headers.location).to.equal('/login?returnTo=%2Fprofile&notice=session_expired');
    await b.get('/profile').expect(303);
  });

  it('a password change signs the account out everywhere at Cognito (devices this app does not know of too), and this browser carries on with fresh tokens', async () => {
    const user = await createConfirmedUser();
    const a = t.agent();
    const b = t.agent();
    const sidA = await signIn(a, user);
    const sidB = await signIn(b, user);
    const before = (await storedSession(store, sidA))!.cognito!.tokens!;
    const other = (await storedSession(store, sidB))!.cognito!.tokens!;
    const elsewhere = await signInElsewhere(user);
    const change = await submit(a, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(change.status).to.equal(303);
    expect(change.headers.location).to.equal('/profile');
    const held = [
      ['this browser’s old tokens', before.accessToken, before.refreshToken!],
      ['the other browser’s tokens', other.accessToken, other.refreshToken!],
      ['the tokens of another app', elsewhere.accessToken, elsewhere.refreshToken],
    ] as const;
    for (const [whose, accessToken, refreshToken] of held) {
      expect(await refreshAccepted(refreshToken), `${whose}: refresh`).to.equal(false);
      expect(await accessAccepted(accessToken), `${whose}: access`).to.equal(false);
    }
    const after = (await storedSession(store, sessionIdOf(sidOf(change)!)))!.cognito!.tokens!;
    expect(after.refreshToken).to.be.a('string').and.not.equal(before.refreshToken);
    expect(await accessAccepted(after.accessToken), 'this browser’s fresh access token').to.equal(true);
    expect(await refreshAccepted(after.refreshToken!), 'this browser’s fresh refresh token').to.equal(true);
    await a.get('/profile').expect(200);
    await b.get('/profile').expect(303);
  });

  it('signing out signs out this browser only: its tokens are revoked at Cognito, and the other browser keeps working and refreshing', async () => {
    const user = await createConfirmedUser();
    let offset = 0;
    const timed = buildTestApp({ sessionStore: store, clock: () => Date.now() + offset });
    const a = timed.agent();
    const b = timed.agent();
    const sidA = await signIn(a, user);
    const sidB = await signIn(b, user);
    const signedOut = (await storedSession(store, sidA))!.cognito!.tokens!;
    const kept = (await storedSession(store, sidB))!.cognito!.tokens!;
    expect((await submit(a, '/profile', '/logout', {})).status).to.equal(303);
    await a.get('/profile').expect(303);
    expect(await refreshAccepted(signedOut.refreshToken!), 'the signed-out refresh token').to.equal(false);
    expect(await accessAccepted(signedOut.accessToken), 'the signed-out access token').to.equal(false);
    expect(await accessAccepted(kept.accessToken), 'the other browser’s access token: no global sign-out').to.equal(true);
    await b.get('/profile').expect(200);
    offset = 59.5 * MINUTE; // the other browser's access token is about to expire: its next page refreshes it
    await b.get('/profile').expect(200);
    expect((await storedSession(store, sidB))!.cognito!.tokens!.accessToken, 'refreshed').to.not.equal(kept.accessToken);
  });

  it('an administrator disabling the user ends the session at the next token refresh at the latest, never a 5xx', async () => {
    const user = await createConfirmedUser();
    let offset = 0;
    const timed = buildTestApp({ sessionStore: store, clock: () => Date.now() + offset });
    const agent = timed.agent();
    const sid = await signIn(agent, user);
    const { client, ids } = testEmulator();
    await client.send(new AdminDisableUserCommand({ UserPoolId: ids.userPoolId, Username: user.email }));
    await agent.get('/complete').expect(200); // the access token is still fresh for the app: no call to Cognito yet
    offset = 59.5 * MINUTE;
    const res = await agent.get('/complete').expect(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fcomplete&notice=session_expired');
    expect(await storedSession(store, sid)).to.equal(null);
  });
});

describe('credential changes where the emulator cannot go (double at the Cognito client boundary)', () => {
  it('an administrator resetting the password ends the session at once where GetUser is refused, else at the next token refresh, never a 5xx (double: the emulator has no AdminResetUserPassword)', async () => {
    const user = await createConfirmedUser();
    const store = new session.MemoryStore();
    /** The tokens Cognito would refuse once the administrator reset the password. */
    const reset: string[] = [];
    const { t, advance } = appWithDouble(store, (c) => {
      if (!['InitiateAuthCommand', 'GetUserCommand'].includes(c.name)) return undefined;
      const given = (c.input.AuthParameters as Record<string, string> | undefined)?.REFRESH_TOKEN ?? c.input.AccessToken;
      const token = typeof given === 'string' ? given : '';
      if (!reset.includes(token)) return undefined;
      return Promise.reject(
        Object.assign(new Error('Password reset required for the user'), {
          name: 'PasswordResetRequiredException',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    });
    const browser = t.agent();
    const other = t.agent();
    const sids = [await signIn(browser, user), await signIn(other, user)];
    for (const sid of sids) {
      const tokens = (await storedSession(store, sid))!.cognito!.tokens!;
      reset.push(tokens.accessToken, tokens.refreshToken!);
    }
    const profile = await other.get('/profile').expect(303); // GetUser answers PasswordResetRequired
    expect(profile.headers.location).to.equal('/login?returnTo=%2Fprofile&notice=session_expired');
    await browser.get('/complete').expect(200); // the access token is still fresh: no call to Cognito yet
    advance(59.5 * MINUTE);
    const res = await browser.get('/complete').expect(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fcomplete&notice=session_expired');
    for (const sid of sids) expect(await storedSession(store, sid)).to.equal(null);
  });

  it('falls back to GlobalSignOut with the access token where the admin call is refused: tokens no session of the app holds are revoked too (double: IAM refuses AdminUserGlobalSignOut)', async () => {
    const user = await createConfirmedUser();
    const store = new session.MemoryStore();
    const { t } = appWithDouble(store, (c) =>
      c.name === 'AdminUserGlobalSignOutCommand' ? Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })) : undefined,
    );
    const a = t.agent();
    const sidA = await signIn(a, user);
    const accessToken = (await storedSession(store, sidA))!.cognito!.tokens!.accessToken;
    const elsewhere = await signInElsewhere(user);
    const page = await a.get('/profile').expect(200);
    const out = await a
      .post('/profile/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(out.status).to.equal(303);
    // Only a global sign-out reaches tokens that no session of the app holds (RevokeToken takes them one by one).
    expect(await refreshAccepted(elsewhere.refreshToken), 'another app’s refresh token').to.equal(false);
    expect(await accessAccepted(elsewhere.accessToken), 'another app’s access token').to.equal(false);
    expect(t.logs.join('')).to.contain('AccessDeniedException').and.not.contain(accessToken);
  });

  it('a request of the other session in flight during the change cannot write it back into the store (double: Cognito accepted its call before the change and answers after it)', async () => {
    const user = await createConfirmedUser();
    const store = new session.MemoryStore();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (reached = resolve));
    const { t } = appWithDouble(store, (c) => {
      if (c.name !== 'UpdateUserAttributesCommand') return undefined;
      reached();
      return held.then(() => ({}));
    });
    const a = t.agent();
    const b = t.agent();
    await signIn(a, user);
    const sidB = await signIn(b, user);
    const page = await b.get('/profile').expect(200);
    const saving = b
      .post('/profile')
      .type('form')
      .send({ name: 'Late writer', _csrf: csrfOf(page.text) })
      .then((r) => r);
    await inFlight;
    const change = await submit(a, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(change.status).to.equal(303);
    release();
    expect((await saving).status).to.equal(303); // the request finishes and saves its session…
    expect(await storedSession(store, sidB)).to.equal(null); // …which does not bring it back
    await b.get('/profile').expect(303);
  });
});
