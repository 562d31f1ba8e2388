import { AdminInitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import type { SessionStoreHandle } from '../../../src/sessions';
import { createMemoryUserSessionIndex, type UserSessionIndex } from '../../../src/sessions/user-sessions';
import { buildTestApp, type TestApp, resolveCognitoSettings } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, csrfOf, submit } from '../../helpers/forms';
import { createConfirmedUser } from '../../helpers/users';

const NEW_PASSWORD = 'R3set-Passw0rd!';

type Agent = ReturnType<TestApp['agent']>;
type User = { email: string; password: string };

/** A memory store whose per-user index the test can make fail or hold. */
function storeWith(index: UserSessionIndex): SessionStoreHandle {
  return {
    store: new session.MemoryStore(),
    userSessions: index,
    ready: Promise.resolve(),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}

/** The app on `handle`, with a Cognito client double over the emulator that accepts `AdminUserGlobalSignOut` (as real Cognito with the IAM grant). */
function appOn(handle: SessionStoreHandle, answer?: (c: SentCommand) => Promise<unknown> | undefined) {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, (c) => (c.name === 'AdminUserGlobalSignOutCommand' ? Promise.resolve({}) : answer?.(c)));
  const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
  return { t: buildTestApp({ sessions: handle, cognito: { settings, client: double.client } }), sent: double.sent };
}

async function signIn(agent: Agent, user: User): Promise<void> {
  expect((await submit(agent, '/login', '/login', user)).status, 'signed in').to.equal(303);
}

/** The three ways a person ends every session of an account, each from browser `a`. */
const FLOWS: Array<{ name: string; run: (t: TestApp, a: Agent, user: User) => Promise<{ status: number }> }> = [
  {
    name: 'a password change',
    run: (_t, a, user) =>
      submit(a, '/password/change', '/password/change', { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }),
  },
  {
    name: 'a reset by e-mailed code',
    run: async (t, _a, user) => {
      const c = t.agent();
      await submit(c, '/password/forgot', '/password/forgot', { email: user.email });
      return submit(c, '/password/reset', '/password/reset', {
        email: user.email,
        code: codeFromEmulator(user.email),
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
    },
  },
  { name: 'sign out everywhere', run: (_t, a) => submit(a, '/profile', '/profile/sign-out-everywhere', {}) },
];

describe('credential changes when the session store falters (doubles: the index, and AdminUserGlobalSignOut at the Cognito client boundary)', () => {
  for (const flow of FLOWS) {
    it(`${flow.name} signs out at Cognito even when the session store fails meanwhile, and answers 503 (double)`, async () => {
      const inner = createMemoryUserSessionIndex();
      let failList = false;
      const index: UserSessionIndex = {
        ...inner,
        list: (sub) => {
          if (!failList) return inner.list(sub);
          failList = false;
          return Promise.reject(new Error('store hiccup'));
        },
      };
      const { t, sent } = appOn(storeWith(index));
      const user = await createConfirmedUser();
      const a = t.agent();
      await signIn(a, user);
      await signIn(t.agent(), user);
      failList = true;
      const res = await flow.run(t, a, user);
      expect(res.status, 'the store failure shows as the 503 page').to.equal(503);
      expect(
        sent.filter((c) => c.name === 'AdminUserGlobalSignOutCommand'),
        'Cognito was told all the same',
      ).to.have.length(1);
      expect(t.logs.join('')).to.contain('the session store failed');
    });
  }

  it('ends a sign-in that finished while the other sessions were being ended (doubles: the index holds the first pass, the client holds that sign-in)', async () => {
    const inner = createMemoryUserSessionIndex();
    const gate = () => {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const firstPass = { reached: gate(), release: gate() };
    const lateSignIn = { reached: gate(), release: gate() };
    let holdNextSignIn = false;
    const index: UserSessionIndex = {
      ...inner,
      markEnded: async (sids, until) => {
        firstPass.reached.open();
        await firstPass.release.opened;
        return inner.markEnded(sids, until);
      },
    };
    const { client: real } = testEmulator();
    const { t } = appOn(storeWith(index), (c) => {
      if (c.name !== 'AdminInitiateAuthCommand' || !holdNextSignIn) return undefined;
      holdNextSignIn = false;
      // Cognito accepted the old password before the change; the app registers the session after it.
      return real.send(new AdminInitiateAuthCommand(c.input as never)).then(async (out) => {
        lateSignIn.reached.open();
        await lateSignIn.release.opened;
        return out;
      });
    });
    const user = await createConfirmedUser();
    const a = t.agent();
    await signIn(a, user);
    await signIn(t.agent(), user);
    const late = t.agent();
    const page = await late.get('/login').expect(200);
    holdNextSignIn = true;
    const signingIn = late
      .post('/login')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrfOf(page.text) })
      .then((r) => r);
    await lateSignIn.reached.opened;
    const change = submit(a, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    }).then((r) => r);
    await firstPass.reached.opened;
    lateSignIn.release.open();
    expect((await signingIn).status, 'the late sign-in finishes').to.equal(303);
    firstPass.release.open();
    expect((await change).status).to.equal(303);
    await late.get('/profile').expect(303);
    await a.get('/profile').expect(200);
  });
});
