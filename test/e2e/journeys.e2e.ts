/// <reference lib="dom" />
import { expect } from 'chai';
import { codeFromEmulator, newEmail } from '../helpers/forms';
import { wrongTotpCodeFor } from '../helpers/totp';
import { createConfirmedUser, TEST_PASSWORD } from '../helpers/users';
import type { Page } from 'playwright-core';
import { expectAccessible, newPage, screenshot, useWorld } from './browser';
import { freshTotpCode } from './totp-window';

const NEW_PASSWORD = 'Br0wser-Passw0rd!';

/** Signs out from the header's account menu. */
async function signOutFromHeader(page: Page): Promise<void> {
  await page.locator('.user-menu summary').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
}

describe('real-browser journeys (Chromium, against cognito-local)', function () {
  this.timeout(60_000);
  const world = useWorld();

  it('Hosted UI: Start login → the emulator’s login form → the profile; the start page still leads to the complete page', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/`);
    await expectAccessible(page);
    await screenshot(page, 'hosted-ui-1-start');
    await page.getByRole('button', { name: 'Start login' }).click();
    await page.waitForURL(/\/oauth2\/authorize/);
    await page.fill('input[name=username]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('header')).to.contain(user.email);
    await page.goto(`${world.base}/`);
    await page.getByRole('link', { name: 'Show the sign-in details' }).click();
    await page.waitForURL(`${world.base}/complete`);
    expect(await page.textContent('[data-field="email"]')).to.equal(user.email);
    expect(page.url()).to.not.contain('code=');
    await expectAccessible(page);
    await screenshot(page, 'hosted-ui-2-complete');
    await close();
  });

  it('provider button: “Sign in with Google” on the sign-in page starts the Hosted UI with identity_provider and lang', async () => {
    const { page, close } = await newPage(world, { locale: 'ja-JP' });
    await page.goto(`${world.base}/login?returnTo=%2Fcomplete`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Google でサインイン' }).click();
    await page.waitForURL(/\/oauth2\/authorize/);
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('identity_provider')).to.equal('Google');
    expect(authorize.searchParams.get('lang')).to.equal('ja');
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    await close();
  });

  it('custom pages: sign-up → code from the offline mailbox → confirm → sign-in → profile → change password → sign-out', async () => {
    const email = newEmail('browser');
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/signup`);
    await expectAccessible(page);
    await page.fill('#f-email', email);
    await page.fill('#f-password', TEST_PASSWORD);
    await page.fill('#f-passwordConfirm', TEST_PASSWORD);
    await screenshot(page, 'custom-1-signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${world.base}/signup/confirm`);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Offline mailbox' }).first().click();
    await page.waitForURL(`${world.base}/dev/mailbox`);
    await expectAccessible(page);
    await screenshot(page, 'custom-2-mailbox');
    const code = (await page.textContent(`tr[data-email="${email}"] .mailbox-code`))?.trim() as string;
    expect(code).to.equal(codeFromEmulator(email));

    await page.goto(`${world.base}/signup/confirm`);
    await page.fill('#f-code', code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(`${world.base}/login`);
    expect(await page.textContent('.notice')).to.contain('confirmed');
    expect(await page.inputValue('#f-email')).to.equal(email);
    await expectAccessible(page);
    await page.fill('#f-password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    await expectAccessible(page);
    await screenshot(page, 'custom-3-profile');
    expect(await page.textContent('header')).to.contain(email);

    await page.getByRole('link', { name: 'Change your password' }).click();
    await page.fill('#f-currentPassword', TEST_PASSWORD);
    await page.fill('#f-password', NEW_PASSWORD);
    await page.fill('#f-passwordConfirm', NEW_PASSWORD);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('.notice')).to.contain('password was changed');

    await signOutFromHeader(page);
    await page.waitForURL(`${world.base}/?notice=signed_out`);
    expect(await page.textContent('header')).to.not.contain(email);
    expect(await page.textContent('.notice')).to.equal('You have signed out.');
    await expectAccessible(page);
    await close();
  });

  it('two-step sign-in: set up with the QR code page and a first code, then sign in with the password and a code', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    const signInWithPassword = async () => {
      await page.goto(`${world.base}/login`);
      await page.fill('#f-email', user.email);
      await page.fill('#f-password', user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    await signInWithPassword();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('[data-field="mfa-status"]')).to.equal('Off');

    await page.getByRole('link', { name: 'Set up two-step sign-in' }).click();
    await page.waitForURL(`${world.base}/mfa/setup`);
    await expectAccessible(page);
    // Starting asks for the current password (a stolen session alone must not add a factor).
    const startPassword = page.locator('form[action$="/mfa/setup"] input[type=password]');
    await startPassword.fill(user.password);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // The same address before and after: wait for what the new page shows, not for the URL.
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor({ state: 'visible' });
    expect(page.url()).to.equal(`${world.base}/mfa/setup`);
    expect(await qr.getAttribute('src')).to.match(/^data:image\//);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR code decodes').to.equal(true);
    const secret = ((await page.textContent('[data-totp-secret]')) ?? '').replace(/\s/g, '');
    expect(secret).to.match(/^[A-Z2-7]{16,}$/);
    await expectAccessible(page);
    await screenshot(page, 'mfa-1-setup');

    await page.fill('#f-code', await freshTotpCode(secret));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('.notice')).to.contain('Two-step sign-in is on.');
    expect(await page.textContent('[data-field="mfa-status"]')).to.equal('On');
    await signOutFromHeader(page);
    await page.waitForURL(`${world.base}/?notice=signed_out`);

    await signInWithPassword();
    await page.waitForURL(`${world.base}/login/mfa`);
    expect(await page.getAttribute('#f-code', 'autocomplete')).to.equal('one-time-code');
    expect(await page.textContent('header')).to.not.contain(user.email);
    await expectAccessible(page);
    await screenshot(page, 'mfa-2-code');

    await page.fill('#f-code', wrongTotpCodeFor(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    expect(page.url()).to.equal(`${world.base}/login/mfa`);
    expect(await page.textContent('#form-errors')).to.contain('That code is not right, or it was already used.');
    expect(await page.inputValue('#f-code')).to.equal('');
    await expectAccessible(page);

    await page.fill('#f-code', await freshTotpCode(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('header')).to.contain(user.email);
    expect(await page.textContent('[data-field="mfa-status"]')).to.equal('On');
    await close();
  });

  it('forgot password → reset with the mailed code → sign-in', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expectAccessible(page);
    await page.fill('#f-email', user.email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.waitForURL(`${world.base}/password/reset`);
    await expectAccessible(page);
    await page.fill('#f-code', codeFromEmulator(user.email));
    await page.fill('#f-password', NEW_PASSWORD);
    await page.fill('#f-passwordConfirm', NEW_PASSWORD);
    await screenshot(page, 'reset-1-new-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${world.base}/login`);
    await page.fill('#f-password', NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    await close();
  });

  it('switches between Japanese and English on any page, and remembers the choice', async () => {
    const { page, close } = await newPage(world, { locale: 'en-GB' });
    await page.goto(`${world.base}/login`);
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    await page.getByRole('link', { name: '日本語' }).click();
    await page.waitForURL(`${world.base}/login?lang=ja`);
    expect(await page.getAttribute('html', 'lang')).to.equal('ja');
    expect(await page.textContent('h1')).to.equal('サインイン');
    await expectAccessible(page);
    await screenshot(page, 'language-1-login-ja');
    await page.goto(`${world.base}/signup`);
    expect(await page.textContent('h1')).to.equal('アカウント作成');
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.textContent('h1')).to.equal('Create an account');
    await close();
  });

  it('shows a failed sign-in: the message is announced, focused, and the email kept', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/login`);
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', 'Wr0ng-Password!');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    expect(await page.textContent('#form-errors')).to.contain('The email address or the password is not right');
    expect(await page.getAttribute('#form-errors', 'role')).to.equal('alert');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('form-errors');
    expect(await page.inputValue('#f-email')).to.equal(user.email);
    expect(await page.inputValue('#f-password')).to.equal('');
    await expectAccessible(page);
    await screenshot(page, 'failed-sign-in');
    await close();
  });

  it('enhances without depending on script: show/hide password, live policy hints, one submit per double click', async () => {
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/signup`);
    const toggle = page.locator('#f-password + .password-toggle');
    await toggle.click();
    expect(await page.getAttribute('#f-password', 'type')).to.equal('text');
    await toggle.click();
    expect(await page.getAttribute('#f-password', 'type')).to.equal('password');

    await page.fill('#f-password', 'abc');
    expect(await page.getAttribute('li[data-rule="lowercase"]', 'class')).to.contain('met');
    expect(await page.getAttribute('li[data-rule="length"]', 'class')).to.contain('unmet');

    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posts += 1;
    });
    await page.fill('#f-email', newEmail('double'));
    await page.fill('#f-password', TEST_PASSWORD);
    await page.fill('#f-passwordConfirm', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).dblclick();
    await page.waitForURL(`${world.base}/signup/confirm`);
    expect(posts).to.equal(1);
    await close();
  });

  it('works without JavaScript: custom sign-in and sign-out', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { javaScriptEnabled: false });
    await page.goto(`${world.base}/login`);
    expect(await page.locator('.password-toggle').count()).to.equal(0);
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    await signOutFromHeader(page);
    await page.waitForURL(`${world.base}/?notice=signed_out`);
    expect(await page.textContent('.notice')).to.equal('You have signed out.');
    await close();
  });

  it('sends a signed-out visitor of a guarded page to sign in with a notice, back again, and says each problem once', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/password/change`);
    await page.waitForURL(`${world.base}/login?returnTo=%2Fpassword%2Fchange&notice=signed_in_required`);
    expect(await page.textContent('.notice')).to.equal('Please sign in to continue.');
    await expectAccessible(page);
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/password/change`);

    await page.fill('#f-currentPassword', user.password);
    await page.fill('#f-password', 'short');
    await page.fill('#f-passwordConfirm', 'short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    expect(await page.getByText('The password does not meet the requirements.').count()).to.equal(1);
    expect(await page.textContent('#form-errors')).to.contain('Please check the form: there is one problem.');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('form-errors');
    await expectAccessible(page);
    await screenshot(page, 'change-password-problem');
    await close();
  });
});
