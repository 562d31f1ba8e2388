/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { en } from '../../src/i18n/en';
import { ja } from '../../src/i18n/ja';
import { createConfirmedUser } from '../helpers/users';
import { expectAccessible, layoutOf, newPage, screenshot, useWorld } from './browser';

async function signIn(page: Page, base: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', user.email);
  await page.fill('#f-password', user.password);
  await page.locator('main form[action^="/login"] button[type=submit]').first().click();
  await page.waitForURL(`${base}/profile`);
}

/** The headings of the profile's groups, in page order. */
async function groupHeadings(page: Page): Promise<string[]> {
  return page.locator('main section.profile-section > h2, main details[data-section="developer"] > summary').allTextContents();
}

describe("real-browser journeys: the profile, grouped like an account page (Chromium, against the kit's emulator)", function () {
  this.timeout(60_000);
  const world = useWorld();

  it('groups personal details, sign-in and security, a danger zone, and developer details behind a disclosure', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { width: 1280 });
    await signIn(page, world.base, user);
    await screenshot(page, 'profile');
    expect(await groupHeadings(page)).to.deep.equal([
      en['profile.personalTitle'],
      en['profile.securityTitle'],
      en['profile.dangerTitle'],
      en['profile.developerTitle'],
    ]);
    // Sign-in and security: password, two-step sign-in, passkeys and where you're signed in, each with its link.
    const security = page.locator('section[aria-labelledby="security-title"]');
    for (const href of ['/password/change', '/mfa/setup', '/profile/passkeys', '/profile/sessions']) {
      expect(await security.locator(`a[href="${href}"]`).count(), href).to.equal(1);
    }
    // Developer details stay closed until asked for.
    const developer = page.locator('details[data-section="developer"]');
    expect(await developer.getAttribute('open')).to.equal(null);
    expect(await page.locator('[data-field="sub"]').isVisible()).to.equal(false);
    await developer.locator('summary').click();
    expect(await page.textContent('[data-field="sub"]')).to.equal(user.sub);
    expect(await page.locator('[data-field="token-expires"] time[datetime]').count()).to.equal(1);
    // The emulator's notes sit in one place.
    expect(await page.locator('[data-section="emulator"]').count()).to.equal(1);
    await developer.locator('summary').click();
    await expectAccessible(page);

    // A display name is saved and shown in the field again.
    await page.fill('#f-name', 'Browser Person');
    await page.getByRole('button', { name: en['profile.update'] }).click();
    await page.waitForURL(`${world.base}/profile`);
    expect(await page.textContent('p.notice')).to.equal(en['notice.profile_updated']);
    expect(await page.inputValue('#f-name')).to.equal('Browser Person');
    await close();
  });

  it('opens the danger zone on demand; a wrong address keeps it open with the message; the right one deletes the account', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await signIn(page, world.base, user);
    const danger = page.locator('details#delete');
    expect(await danger.getAttribute('open'), 'closed at first').to.equal(null);
    expect(await page.locator('#f-confirmEmail').isVisible()).to.equal(false);
    await danger.locator('summary').click();
    expect(await page.locator('#f-confirmEmail').isVisible()).to.equal(true);
    await expectAccessible(page);

    await page.fill('#f-confirmEmail', 'someone-else@example.com');
    await page.fill('#f-currentPassword', user.password);
    await page.getByRole('button', { name: en['profile.deleteSubmit'] }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    expect(await danger.getAttribute('open'), 'open again where the answer was refused').to.not.equal(null);
    expect(await page.inputValue('#f-currentPassword'), 'a password is never kept').to.equal('');
    await expectAccessible(page);

    await page.fill('#f-confirmEmail', user.email);
    await page.fill('#f-currentPassword', user.password);
    await page.getByRole('button', { name: en['profile.deleteSubmit'] }).click();
    await page.waitForSelector('p.notice');
    expect(await page.textContent('p.notice')).to.equal(en['notice.account_deleted']);
    expect(await page.textContent('header')).not.to.contain(user.email);
    await page.goto(`${world.base}/login`);
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('#form-errors:not([hidden])');
    await close();
  });

  it('reads in Japanese, fits a 360 px phone, and is axe clean there', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { locale: 'ja-JP', width: 360, height: 740 });
    await signIn(page, world.base, user);
    expect(await page.textContent('h1')).to.equal(ja['profile.title']);
    expect(await groupHeadings(page)).to.deep.equal([
      ja['profile.personalTitle'],
      ja['profile.securityTitle'],
      ja['profile.dangerTitle'],
      ja['profile.developerTitle'],
    ]);
    const layout = await layoutOf(page);
    expect(layout.scrollWidth, 'no horizontal scrolling').to.be.at.most(layout.viewportWidth);
    await expectAccessible(page);
    await close();
    const desktop = await newPage(world, { locale: 'ja-JP', width: 1280 });
    await signIn(desktop.page, world.base, user);
    await expectAccessible(desktop.page);
    await screenshot(desktop.page, 'profile-ja');
    await desktop.close();
  });
});
