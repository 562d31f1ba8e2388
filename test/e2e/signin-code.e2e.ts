/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { en } from '../../src/i18n/en';
import { ja } from '../../src/i18n/ja';
import { createVerifiedUser } from '../helpers/users';
import { expectAccessible, newPage, screenshot, useWorld } from './browser';

/** The newest sign-in code in the offline mailbox page, as a person reads it there. */
async function codeFromMailboxPage(page: Page, base: string, email: string): Promise<string> {
  await page.goto(`${base}/dev/mailbox`);
  const cell = page.locator(`tr[data-email="${email}"][data-kind="sign-in"] .mailbox-code`).first();
  return ((await cell.textContent()) ?? '').trim();
}

describe("real-browser journey: signing in with an e-mailed code (Chromium, against the kit's emulator)", function () {
  this.timeout(60_000);
  const world = useWorld();

  it('asks for the address, e-mails an 8-digit code to the offline mailbox, corrects a wrong code and signs in with the right one', async () => {
    const user = await createVerifiedUser();
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/login`);
    expect(await page.textContent('main .lead')).to.equal(en['signin.lead']);
    await expectAccessible(page);
    await screenshot(page, 'signin-1-choice');
    await page.fill('#f-email', user.email);
    await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await page.waitForURL(`${world.base}/login/code`);
    expect(await page.getAttribute('#f-code', 'autocomplete')).to.equal('one-time-code');
    expect(await page.textContent('main .lead')).to.contain('8-digit sign-in code');
    await expectAccessible(page);
    await screenshot(page, 'signin-2-code');

    const code = await codeFromMailboxPage(page, world.base, user.email);
    expect(code).to.match(/^\d{8}$/);
    await page.goBack();
    await page.waitForURL(`${world.base}/login/code`);
    const wrong = code.replace(/^./, (d) => String((Number(d) + 1) % 10));
    await page.fill('#f-code', wrong);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    expect(page.url()).to.equal(`${world.base}/login/code`);
    expect(await page.inputValue('#f-code'), 'a code is a secret: not kept').to.equal('');
    await expectAccessible(page);

    await page.fill('#f-code', code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('header')).to.contain(user.email);
    await page.goto(`${world.base}/profile/sessions`);
    expect(await page.textContent('[data-session="current"] [data-field="method"]')).to.equal(en['complete.provider.email-code']);
    await close();
  });

  it('asks how to sign in when only the address is given, and the code page works in Japanese', async () => {
    const user = await createVerifiedUser();
    const { page, close } = await newPage(world, { locale: 'ja-JP' });
    await page.goto(`${world.base}/login`);
    expect(await page.textContent('main .lead')).to.equal(ja['signin.lead']);
    await expectAccessible(page);
    await screenshot(page, 'signin-1-choice-ja');
    await page.fill('#f-email', user.email);
    await page.getByRole('button', { name: ja['login.submit'], exact: true }).click();
    await page.waitForURL(`${world.base}/login/choose`);
    expect(await page.textContent('h1')).to.equal(ja['signin.choose.title']);
    expect(await page.locator('button[name="answer"][value="PASSWORD"]').count()).to.equal(1);
    expect(await page.locator('button[name="answer"][value="EMAIL_OTP"]').count()).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'signin-3-choose-ja');

    await page.getByRole('button', { name: ja['signin.emailCode'] }).click();
    await page.waitForURL(`${world.base}/login/code`);
    expect(await page.textContent('h1')).to.equal(ja['signin.code.title']);
    await expectAccessible(page);
    await screenshot(page, 'signin-2-code-ja');
    const code = await codeFromMailboxPage(page, world.base, user.email);
    await page.goBack();
    await page.fill('#f-code', code);
    await page.getByRole('button', { name: ja['signin.code.submit'], exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('h1')).to.equal(ja['profile.title']);
    await close();
  });
});
