import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import session from 'express-session';
import supertest from 'supertest';
import { buildTestApp, resolveCognitoSettings } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, submit } from '../../helpers/forms';
import { holdFirstCall } from '../../helpers/held-call';
import { switchOnTotp, totpCodeFor, withOptionalTotpPool } from '../../helpers/totp';
import { createConfirmedUser } from '../../helpers/users';

describe('two-step sign-in when Cognito ends the sessions of the account (against cognito-local)', () => {
  withOptionalTotpPool();

  it('keeps a person with two-step sign-in signed in through a password change, which signs them out everywhere at Cognito: the code page with a notice, then the profile', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const setup = t.agent();
    await submit(setup, '/login', '/login', { email: user.email, password: user.password });
    const secret = await switchOnTotp(setup, user.password);
    const agent = t.agent();
    const other = t.agent();
    for (const browser of [agent, other]) {
      await submit(browser, '/login', '/login', { email: user.email, password: user.password });
      expect((await submit(browser, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) })).headers.location).to.equal('/profile');
    }
    const chosen = 'Ch0sen-Passw0rd!';
    const change = await submit(agent, '/password/change', '/password/change', {
      currentPassword: user.password,
      password: chosen,
      passwordConfirm: chosen,
    });
    expect(change.status).to.equal(303);
    // The global sign-out revoked this browser's tokens too: it signs in again, and Cognito asks for a code.
    expect(change.headers.location).to.equal('/login/mfa');
    const page = await agent.get('/login/mfa').set('Accept-Language', 'en').expect(200);
    expect(page.text).to.contain('Your password was changed');
    expect(page.text).to.contain('Enter the code from your authenticator app');
    await agent.get('/profile').expect(303); // not signed in until the code
    const done = await agent
      .post('/login/mfa')
      .type('form')
      .send({ code: totpCodeFor(secret), _csrf: csrfOf(page.text) });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/profile');
    expect((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text).to.contain(user.email);
    await other.get('/profile').expect(303);
  });

  it("ends the session when the account is deleted while its re-authentication runs: Cognito's NotAuthorized is not shown as a wrong password", async () => {
    const { client: real, emulator, ids } = testEmulator();
    const store = new session.MemoryStore();
    const plain = buildTestApp({ sessionStore: store });
    const user = await createConfirmedUser();
    const setup = plain.agent();
    await submit(setup, '/login', '/login', { email: user.email, password: user.password });
    const secret = await switchOnTotp(setup, user.password);
    const browser = plain.agent();
    await submit(browser, '/login', '/login', { email: user.email, password: user.password });
    const cookie = sidOf(await submit(browser, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) }))!;

    // The same sessions behind an app whose re-authentication (AdminInitiateAuth) waits until the account is gone:
    // the page's own GetUser still found it, only the probe after the refusal can tell.
    const held = holdFirstCall(real, 'AdminInitiateAuthCommand');
    const t = buildTestApp({
      sessionStore: store,
      cognito: { settings: resolveCognitoSettings(plain.config, ids, emulator.url), client: held.client },
    });
    const tab = (req: supertest.Test) => req.set('Cookie', cookie);
    const page = await tab(supertest(t.app).get('/mfa/disable')).expect(200);
    const pending = tab(supertest(t.app).post('/mfa/disable'))
      .type('form')
      .send({ currentPassword: user.password, code: totpCodeFor(secret), _csrf: csrfOf(page.text) })
      .then((res) => res);
    await held.reached;
    await real.send(new AdminDeleteUserCommand({ UserPoolId: ids.userPoolId, Username: user.email }));
    held.release();
    const res = await pending;
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fprofile&notice=session_expired');
    await tab(supertest(t.app).get('/profile')).expect(303);
  });
});
