/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { en } from '../../src/i18n/en';
import { createConfirmedUser } from '../helpers/users';
import { expectAccessible, newPage, screenshot, useWorld } from './browser';

/** Safari on an iPhone, as the second browser introduces itself: the list tells the two apart. */
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

async function signIn(page: Page, base: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', user.email);
  await page.fill('#f-password', user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${base}/profile`);
}

describe("real-browser journey: where you're signed in (two browsers, Chromium, against the kit's emulator)", function () {
  this.timeout(60_000);
  const world = useWorld();

  it("lists both browsers with this one marked; A ends B's session and B's next request is signed out", async () => {
    const user = await createConfirmedUser();
    const a = await newPage(world, { width: 1280 });
    const b = await newPage(world, { userAgent: IPHONE_SAFARI, width: 390, height: 844 });
    await signIn(a.page, world.base, user);
    await signIn(b.page, world.base, user);

    await a.page.locator('a[data-link="sessions"]').click();
    await a.page.waitForURL(`${world.base}/profile/sessions`);
    expect(await a.page.textContent('h1')).to.equal(en['sessions.title']);
    const rows = a.page.locator('li.session');
    expect(await rows.count()).to.equal(2);
    const current = a.page.locator('li[data-session="current"]');
    const other = a.page.locator('li[data-session="other"]');
    expect(await current.count()).to.equal(1);
    expect(await current.locator('.status').textContent()).to.equal(en['sessions.thisDevice']);
    expect(await current.locator('.session-device').textContent()).to.match(/^Chrome \d+ on Linux$/);
    expect(await other.locator('.session-device').textContent()).to.equal('Safari 17 on iOS 17');
    expect(await other.locator('[data-field="method"]').textContent()).to.equal(en['complete.provider.password']);
    expect(await other.locator('[data-field="signed-in"] time[datetime]').count()).to.equal(1);
    expect(await current.locator('form').count(), 'this device has no end button: sign out does that').to.equal(0);
    await expectAccessible(a.page);
    await screenshot(a.page, 'sessions-1-two-browsers');

    await other.getByRole('button', { name: en['sessions.end'] }).click();
    await a.page.waitForURL(`${world.base}/profile/sessions`);
    expect(await a.page.textContent('p.notice')).to.equal(en['sessions.ended']);
    expect(await rows.count()).to.equal(1);
    expect(await a.page.locator('[data-sessions="none-other"]').count()).to.equal(1);
    await expectAccessible(a.page);

    // B's next request finds its session ended: the guarded page sends it to sign in.
    await b.page.goto(`${world.base}/profile`);
    await b.page.waitForURL(/\/login\?returnTo=%2Fprofile/);
    expect(await b.page.textContent('header')).not.to.contain(user.email);
    // A is still signed in.
    await a.page.goto(`${world.base}/profile`);
    expect(a.page.url()).to.equal(`${world.base}/profile`);
    await a.close();
    await b.close();
  });

  it('"Sign out everywhere else" ends the other browsers and keeps this one', async () => {
    const user = await createConfirmedUser();
    const a = await newPage(world);
    const b = await newPage(world, { userAgent: IPHONE_SAFARI });
    const c = await newPage(world);
    for (const { page } of [a, b, c]) await signIn(page, world.base, user);
    await a.page.goto(`${world.base}/profile/sessions`);
    expect(await a.page.locator('li.session').count()).to.equal(3);
    await a.page.getByRole('button', { name: en['sessions.endOthers'] }).click();
    await a.page.waitForURL(`${world.base}/profile/sessions`);
    expect(await a.page.textContent('p.notice')).to.equal(en['sessions.othersEnded']);
    expect(await a.page.locator('li.session').count()).to.equal(1);
    for (const { page } of [b, c]) {
      await page.goto(`${world.base}/profile`);
      await page.waitForURL(/\/login\?returnTo=%2Fprofile/);
    }
    for (const p of [a, b, c]) await p.close();
  });
});
