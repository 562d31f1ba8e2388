/// <reference lib="dom" />
import { expect } from 'chai';
import { codeFromEmulator, newEmail } from '../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../helpers/users';
import { expectAccessible, newPage, screenshot, startWorld, type E2eWorld } from './browser';

const NEW_PASSWORD = 'Br0wser-Passw0rd!';

describe('real-browser journeys (Chromium, against cognito-local)', function () {
  this.timeout(60_000);
  let world: E2eWorld;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('Hosted UI: Start login → the emulator’s login form → back to the complete page', async () => {
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
    await page.waitForURL(`${world.base}/complete`);
    await expect(await page.textContent('[data-field="email"]')).to.equal(user.email);
    expect(page.url()).to.not.contain('code=');
    await expectAccessible(page);
    await screenshot(page, 'hosted-ui-2-complete');
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

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${world.base}/`);
    expect(await page.textContent('header')).to.not.contain(email);
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
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${world.base}/`);
    await close();
  });

  it('lays out on a 360 px phone without horizontal scrolling, and every page passes axe there too', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { width: 360 });
    const pages = ['/', '/login', '/signup', '/signup/confirm', '/password/forgot', '/password/reset', '/dev/mailbox', '/nowhere'];
    for (const path of pages) {
      await page.goto(`${world.base}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).to.be.at.most(360);
      await expectAccessible(page);
    }
    await page.goto(`${world.base}/login`);
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    for (const path of ['/profile', '/password/change', '/complete']) {
      await page.goto(`${world.base}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).to.be.at.most(360);
      await expectAccessible(page);
    }
    await screenshot(page, 'phone-complete');
    await close();
  });
});
