import { expect } from 'chai';
import session from 'express-session';
import { isSignedInSession } from '../../../src/auth/session-state';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { sidOf } from '../../helpers/cookies';
import { sessionIdOf } from '../../helpers/sessions';
import { codeFromEmulator, csrfOf, newEmail, submit } from '../../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

const NEW_PASSWORD = 'N3w-Passw0rd!';

describe('custom account pages (against cognito-local)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  /** Signs up and confirms through the pages; returns the agent (signed out) and the address. */
  async function signUpAndConfirm(agent = t.agent()) {
    const email = newEmail('journey');
    const signup = await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    expect(signup.status).to.equal(303);
    expect(signup.headers.location).to.equal('/signup/confirm');
    const confirmPage = await agent.get('/signup/confirm').expect(200);
    expect(confirmPage.text).to.contain(`value="${email}"`);
    const confirm = await agent
      .post('/signup/confirm')
      .type('form')
      .send({ email, code: codeFromEmulator(email), _csrf: csrfOf(confirmPage.text) });
    expect(confirm.status).to.equal(303);
    expect(confirm.headers.location).to.equal('/login');
    return { agent, email };
  }

  describe('sign-up → confirm → sign-in → profile → change password → sign-out → sign-in', () => {
    it('works end to end, with the new password only at the end', async () => {
      const { agent, email } = await signUpAndConfirm();
      const loginPage = await agent.get('/login').set('Accept-Language', 'en').expect(200);
      expect(loginPage.text).to.contain('Your email address is confirmed');
      expect(loginPage.text).to.contain(`value="${email}"`);

      const login = await agent
        .post('/login')
        .type('form')
        .send({ email, password: TEST_PASSWORD, _csrf: csrfOf(loginPage.text) });
      expect(login.status).to.equal(303);
      expect(login.headers.location).to.equal('/profile');

      const profile = await agent.get('/profile').expect(200);
      expect(profile.text).to.contain(email);
      expect(profile.text).to.contain('Email and password');

      const change = await submit(agent, '/password/change', '/password/change', {
        currentPassword: TEST_PASSWORD,
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
      expect(change.status).to.equal(303);
      expect(change.headers.location).to.equal('/profile');
      expect((await agent.get('/profile').expect(200)).text).to.contain('Your password was changed');

      const out = await submit(agent, '/profile', '/logout', {});
      expect(out.status).to.equal(303);
      await agent.get('/profile').expect(303).expect('Location', '/login?returnTo=%2Fprofile&notice=signed_in_required');

      const old = await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD });
      expect(old.status).to.equal(401);
      const again = await submit(agent, '/login', '/login', { email, password: NEW_PASSWORD });
      expect(again.status).to.equal(303);
    });

    it('changes the session id when the password changes', async () => {
      const user = await createConfirmedUser();
      const agent = t.agent();
      const login = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      expect(login.status).to.equal(303);
      const before = sidOf(login);
      expect(before, 'a session cookie at sign-in').to.be.a('string');
      const change = await submit(agent, '/password/change', '/password/change', {
        currentPassword: user.password,
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
      expect(change.status).to.equal(303);
      expect(change.headers.location).to.equal('/profile');
      const after = sidOf(change);
      expect(after, 'a new session cookie after the change').to.be.a('string').and.not.equal(before);
      expect((await agent.get('/profile').expect(200)).text).to.contain('Your password was changed');
    });
  });

  it('forgot → reset → sign-in with the new password', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    const forgot = await submit(agent, '/password/forgot', '/password/forgot', { email: user.email });
    expect(forgot.status).to.equal(303);
    expect(forgot.headers.location).to.equal('/password/reset');
    const resetPage = await agent.get('/password/reset').expect(200);
    expect(resetPage.text).to.contain(`value="${user.email}"`);
    const reset = await agent
      .post('/password/reset')
      .type('form')
      .send({
        email: user.email,
        code: codeFromEmulator(user.email),
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
        _csrf: csrfOf(resetPage.text),
      });
    expect(reset.status).to.equal(303);
    expect(reset.headers.location).to.equal('/login');
    expect((await submit(agent, '/login', '/login', { email: user.email, password: NEW_PASSWORD })).status).to.equal(303);
  });

  it('answers the forgot page the same way for an unknown address', async () => {
    const res = await submit(t.agent(), '/password/forgot', '/password/forgot', { email: newEmail('nobody') });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/password/reset');
  });

  it('keeps the email and says what went wrong on a wrong confirmation code, without echoing the code', async () => {
    const agent = t.agent();
    const email = newEmail('wrongcode');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const wrong = codeFromEmulator(email) === '000000' ? '111111' : '000000';
    const res = await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: wrong });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('That code is not right');
    expect(res.text).to.contain(`value="${email}"`);
    expect(res.text).to.not.contain(`value="${wrong}"`);
  });

  it('sends an unconfirmed account to the confirm page', async () => {
    const agent = t.agent();
    const email = newEmail('unconfirmed');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const res = await submit(t.agent(), '/login', '/login', { email, password: TEST_PASSWORD });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signup/confirm');
  });

  it('answers an address that already has an account exactly as a new one: 303 to the confirm page, which says a code went out only if the address can take an account', async () => {
    const user = await createConfirmedUser();
    const answers = [];
    for (const email of [user.email, newEmail('fresh')]) {
      const agent = t.agent();
      const res = await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
      const page = await agent.get('/signup/confirm').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain(`value="${email}"`);
      answers.push({
        status: res.status,
        location: res.headers.location,
        page: page.text
          .split(email)
          .join('ADDRESS')
          .replace(/name="_csrf" value="[^"]+"/g, ''),
      });
    }
    expect(answers[0]!.status).to.equal(303);
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0]!.page).to.contain('If this address can take a new account, we have emailed a code to it');
    // The existing account is untouched.
    expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
  });

  it('with pages.revealExistingAccounts, refuses an email that already has an account (409), keeping it in the form', async () => {
    const revealing = buildTestApp({ authOptions: (o) => ({ ...o, pages: { ...o.pages, revealExistingAccounts: true } }) });
    const user = await createConfirmedUser();
    const res = await submit(revealing.agent(), '/signup', '/signup', { email: user.email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('already exists');
    expect(res.text).to.contain(`value="${user.email}"`);
    expect(res.text).to.not.contain(TEST_PASSWORD);
    const agent = revealing.agent();
    await submit(agent, '/signup', '/signup', { email: newEmail('revealed'), password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    expect((await agent.get('/signup/confirm').set('Accept-Language', 'en').expect(200)).text).to.contain('Enter the code we emailed to you.');
  });

  it('gives an unknown email and a wrong password the same message and status', async () => {
    const user = await createConfirmedUser();
    const unknown = await submit(t.agent(), '/login', '/login', { email: newEmail('unknown'), password: TEST_PASSWORD });
    const wrong = await submit(t.agent(), '/login', '/login', { email: user.email, password: 'Wr0ng-Password!' });
    expect(unknown.status).to.equal(401);
    expect(wrong.status).to.equal(unknown.status);
    const message = (html: string) => /<p class="error-message"[^>]*>([^<]+)<\/p>/.exec(html)?.[1];
    expect(message(wrong.text)).to.equal(message(unknown.text)).and.to.be.a('string');
  });

  it('checks the password policy before calling Cognito, listing each unmet rule and keeping the email', async () => {
    const email = newEmail('policy');
    const res = await submit(t.agent(), '/signup', '/signup', { email, password: 'short', passwordConfirm: 'short' });
    expect(res.status).to.equal(400);
    for (const rule of ['length', 'uppercase', 'number', 'symbol']) expect(res.text).to.match(new RegExp(`data-rule="${rule}" class="unmet"`));
    expect(res.text).to.not.match(/data-rule="lowercase" class="unmet"/);
    expect(res.text).to.contain(`value="${email}"`);
    expect(res.text).to.not.contain('value="short"');
    const mismatch = await submit(t.agent(), '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: `${TEST_PASSWORD}x` });
    expect(mismatch.status).to.equal(400);
    expect(mismatch.text).to.contain('The two passwords are not the same');
  });

  it('keeps returnTo through the custom sign-in', async () => {
    const user = await createConfirmedUser();
    const agent = t.agent();
    await agent.get('/password/change').expect(303).expect('Location', '/login?returnTo=%2Fpassword%2Fchange&notice=signed_in_required');
    const res = await submit(agent, '/login?returnTo=%2Fpassword%2Fchange', '/login?returnTo=%2Fpassword%2Fchange', {
      email: user.email,
      password: user.password,
    });
    expect(res.headers.location).to.equal('/password/change');
  });

  it('sends a new sign-up code that confirms the account, and the old code no longer does', async () => {
    const agent = t.agent();
    const email = newEmail('resend');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const old = codeFromEmulator(email);
    const res = await submit(agent, '/signup/confirm', '/signup/resend', { email });
    expect(res.status).to.equal(200);
    const fresh = codeFromEmulator(email);
    expect(fresh).to.not.equal(old);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: old })).status, 'the old code').to.equal(400);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: fresh })).status, 'the new code').to.equal(303);
  });

  describe('profile', () => {
    it('deletes the account only after the email and the current password, ends the session and removes it from the store', async () => {
      const store = new session.MemoryStore();
      const app = buildTestApp({ sessionStore: store });
      const user = await createConfirmedUser();
      const agent = app.agent();
      const login = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
      expect(profile.text).to.match(
        /<form method="post" action="\/profile\/delete"[\s\S]*name="currentPassword" type="password" autocomplete="current-password"/,
      );
      const mismatch = await submit(agent, '/profile', '/profile/delete', {
        confirmEmail: 'someone-else@example.com',
        currentPassword: user.password,
      });
      expect(mismatch.status).to.equal(400);
      expect(mismatch.text).to.contain('not the email address of this account');
      const noPassword = await submit(agent, '/profile', '/profile/delete', { confirmEmail: user.email });
      expect(noPassword.status, 'the typed address alone').to.equal(400);
      const wrongPassword = await submit(agent, '/profile', '/profile/delete', { confirmEmail: user.email, currentPassword: 'Wr0ng-Passw0rd!' });
      expect(wrongPassword.status).to.equal(400);
      expect(wrongPassword.text).to.contain('The current password is not right');
      expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password })).status, 'still there').to.equal(303);

      const del = await submit(agent, '/profile', '/profile/delete', { confirmEmail: user.email.toUpperCase(), currentPassword: user.password });
      expect(del.status).to.equal(303);
      expect(del.headers.location).to.equal('/?notice=account_deleted');
      const sessions = await new Promise<Record<string, unknown>>((resolve, reject) =>
        store.all((err, all) => (err ? reject(err) : resolve(all ?? {}))),
      );
      expect(Object.keys(sessions), 'the signed-in session, before and after the step-up renewed its id').to.not.include(sessionIdOf(sidOf(login)!));
      expect(
        Object.values(sessions).filter((data) => isSignedInSession(data)),
        'no signed-in session left in the store',
      ).to.deep.equal([]);
      expect((await agent.get('/?notice=account_deleted').expect(200)).text).to.contain('Your account was deleted');
      await agent.get('/profile').expect(303);
      expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: user.password })).status).to.equal(401);
    });
  });

  describe('forms', () => {
    const posts = ['/signup', '/signup/confirm', '/signup/resend', '/login', '/password/forgot', '/password/reset'];
    for (const path of posts) {
      it(`refuses POST ${path} without a CSRF token (403)`, async () => {
        const res = await t.agent().post(path).type('form').send({ email: 'a@example.com', password: TEST_PASSWORD });
        expect(res.status).to.equal(403);
      });
    }
  });
});

describe('POST /signup/resend (against cognito-local)', () => {
  it('answers an address waiting for its code, an unknown one and one already confirmed with the same page, and sends the waiting one a new code', async () => {
    const t = buildTestApp();
    const confirmed = await createConfirmedUser();
    const waiting = newEmail('waiting');
    await submit(t.agent(), '/signup', '/signup', { email: waiting, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const before = codeFromEmulator(waiting);
    const pages: string[] = [];
    for (const email of [waiting, newEmail('nobody'), confirmed.email]) {
      const res = await submit(t.agent(), '/signup/confirm', '/signup/resend', { email });
      expect(res.status, email).to.equal(200);
      pages.push(
        res.text
          .split(email)
          .join('ADDRESS')
          .replace(/name="_csrf" value="[^"]+"/g, ''),
      );
    }
    expect(pages[0]).to.contain('If this address is waiting for its confirmation, a new code is on its way.');
    expect(pages[1], 'an unknown address').to.equal(pages[0]);
    expect(pages[2], 'a confirmed address').to.equal(pages[0]);
    expect(codeFromEmulator(waiting), 'a new code').to.not.equal(before);
  });

  it('with pages.revealExistingAccounts, refuses an address already confirmed instead of promising a code, keeping it in the form', async () => {
    const revealing = buildTestApp({ authOptions: (o) => ({ ...o, pages: { ...o.pages, revealExistingAccounts: true } }) });
    const confirmed = await createConfirmedUser();
    const res = await submit(revealing.agent(), '/signup/confirm', '/signup/resend', { email: confirmed.email });
    expect(res.status).to.equal(400);
    expect(res.text).to.not.contain('a new code is on its way');
    expect(res.text).to.contain(`value="${confirmed.email}"`);
  });
});

describe('POST /signup/confirm for an account already confirmed (against cognito-local)', () => {
  it('confirming an account that is already confirmed says so and links to sign-in (accounts revealed)', async () => {
    const t = buildTestApp({ authOptions: (o) => ({ ...o, pages: { ...o.pages, revealExistingAccounts: true } }) });
    const agent = t.agent().set('Accept-Language', 'en');
    const email = newEmail('twice');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const code = codeFromEmulator(email);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code })).status).to.equal(303);
    const again = await submit(agent, '/signup/confirm', '/signup/confirm', { email, code });
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('data-code="already_confirmed"');
    expect(again.text).to.contain('This account is already confirmed');
    expect(again.text).to.match(/data-next="sign-in">[^<]*<a href="\/login">/);
  });

  it('confirming an account that is already confirmed, where accounts are not revealed, reads as a wrong code and links to sign-in', async () => {
    const agent = buildTestApp().agent().set('Accept-Language', 'en');
    const email = newEmail('twice-private');
    await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const code = codeFromEmulator(email);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code })).status).to.equal(303);
    const again = await submit(agent, '/signup/confirm', '/signup/confirm', { email, code });
    expect(again.status).to.equal(400);
    expect(again.text).to.contain('data-code="code_mismatch"');
    expect(again.text).to.not.contain('expired');
    expect(again.text).to.match(/data-next="sign-in">[^<]*<a href="\/login">/);
  });
});
