/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createEmulatorMailbox } from '../../src/cognito/mailbox';
import { createPasskeys } from '../../src/testing/passkey-registration';
import { testEmulator } from '../helpers/emulator';
import { createVerifiedUser } from '../helpers/users';
import { expectAccessible, layoutOf, newPage, screenshot, useWorld } from './browser';

/** A user who can take every way in: a verified address (for e-mailed codes) and a passkey. */
async function userWithEveryFactor(base: string) {
  const user = await createVerifiedUser();
  const { client, ids } = testEmulator();
  await createPasskeys(client, ids, base).register(user);
  return user;
}

async function signInCodeFor(email: string): Promise<string> {
  const { emulator, ids } = testEmulator();
  const entry = (await createEmulatorMailbox(emulator.dir, ids.userPoolId).read()).find((e) => e.email === email && e.kind === 'sign-in');
  expect(entry, `a sign-in code for ${email}`).to.not.equal(undefined);
  return entry!.code;
}

/** axe finds nothing serious, the page does not scroll sideways, and it is in the asked-for language. */
async function check(page: Page, lang: string, what: string): Promise<void> {
  expect(await page.getAttribute('html', 'lang'), what).to.equal(lang);
  const layout = await layoutOf(page);
  expect(layout.scrollWidth, `${what}: horizontal overflow`).to.be.at.most(layout.viewportWidth);
  await expectAccessible(page);
}

const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;
const LANGUAGES = [
  { locale: 'en-GB', lang: 'en' },
  { locale: 'ja-JP', lang: 'ja' },
] as const;

describe('the new pages at 360 and 1280 px, in English and Japanese: axe clean, no sideways scrolling (Chromium)', function () {
  this.timeout(60_000);
  const world = useWorld();

  for (const size of SIZES) {
    for (const { locale, lang } of LANGUAGES) {
      it(`${size.width} px, ${lang}: sign-in choice, passkey and code steps, the profile, sessions, passkeys, and a 404`, async () => {
        const user = await userWithEveryFactor(world.base);
        const { page, close } = await newPage(world, { locale, ...size });
        const tag = `${size.width}-${lang}`;
        await page.goto(`${world.base}/login`);
        await check(page, lang, `${tag} /login`);

        await page.fill('#f-email', user.email);
        await page.locator('button[name="method"][value="passkey"]').click();
        await page.waitForURL(`${world.base}/login/passkey`);
        await check(page, lang, `${tag} /login/passkey`);
        if (size.width === 360 && lang === 'en') await screenshot(page, 'phone-passkey-sign-in');

        await page.goto(`${world.base}/login`);
        await page.fill('#f-email', user.email);
        await page.locator('main form button[type=submit]:not([name])').click();
        await page.waitForURL(`${world.base}/login/choose`);
        expect(await page.locator('button[name="answer"]').count(), 'password, e-mailed code and passkey').to.equal(3);
        await check(page, lang, `${tag} /login/choose`);

        await page.locator('button[name="answer"][value="EMAIL_OTP"]').click();
        await page.waitForURL(`${world.base}/login/code`);
        await check(page, lang, `${tag} /login/code`);
        await page.fill('#f-code', await signInCodeFor(user.email));
        await page.locator('main form button[type=submit]').click();
        await page.waitForURL(`${world.base}/profile`);
        await check(page, lang, `${tag} /profile`);

        await page.goto(`${world.base}/profile/sessions`);
        expect(await page.locator('li[data-session="current"]').count()).to.equal(1);
        await check(page, lang, `${tag} /profile/sessions`);
        if (size.width === 1280 && lang === 'ja') await screenshot(page, 'sessions-ja');

        await page.goto(`${world.base}/profile/passkeys`);
        expect(await page.locator('tr[data-passkey-id]').count()).to.equal(1);
        await check(page, lang, `${tag} /profile/passkeys`);
        if (size.width === 1280 && lang === 'ja') await screenshot(page, 'passkeys-list-ja');
        await page.locator('tr[data-passkey-id] a').click();
        await page.waitForURL(/\/profile\/passkeys\/remove\?credential=/);
        await check(page, lang, `${tag} /profile/passkeys/remove`);

        await page.goto(`${world.base}/no-such-page`);
        await check(page, lang, `${tag} 404`);
        await close();
      });
    }
  }
});
