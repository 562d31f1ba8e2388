/// <reference lib="dom" />
import { expect } from 'chai';
import { createConfirmedUser } from '../helpers/users';
import { expectAccessible, layoutOf, newPage, screenshot, useWorld } from './browser';

/** The header with the emulator strip stays one row: at most this high, on a 360 × 740 phone (of 740 px) and on a desktop. */
const HEADER_BUDGET_PX = 96;

describe('the pages’ layout on a phone and a desktop (Chromium, against cognito-local)', function () {
  this.timeout(60_000);
  const world = useWorld();

  it('lays out on a 360 px phone: no horizontal scrolling, a compact header, a one-line emulator strip, axe clean', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { width: 360, height: 740 });
    const check = async (path: string) => {
      await page.goto(`${world.base}${path}`);
      const layout = await layoutOf(page);
      expect(layout.scrollWidth, `${path}: horizontal overflow`).to.be.at.most(layout.viewportWidth);
      expect(layout.header.height, `${path}: header height`).to.be.at.most(HEADER_BUDGET_PX);
      expect(layout.banner, `${path}: emulator strip`).to.not.equal(undefined);
      expect(layout.banner!.height, `${path}: emulator strip on one line`).to.be.below(2 * layout.banner!.lineHeight);
      await expectAccessible(page);
    };
    for (const path of ['/', '/login', '/signup', '/signup/confirm', '/password/forgot', '/password/reset', '/dev/mailbox', '/nowhere']) {
      await check(path);
    }
    await page.goto(`${world.base}/login`);
    await screenshot(page, 'phone-signin');
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    for (const path of ['/password/change', '/email/change', '/mfa/setup', '/complete', '/profile']) await check(path);
    await screenshot(page, 'phone-profile');

    // The account menu opens inside the screen.
    await page.locator('.user-menu summary').click();
    const panel = await page.locator('.user-menu-panel').boundingBox();
    expect(panel!.x).to.be.at.least(0);
    expect(panel!.x + panel!.width).to.be.at.most(360);
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible()).to.equal(true);
    await expectAccessible(page);

    await page.goto(`${world.base}/complete`);
    await screenshot(page, 'phone-complete');
    await close();
  });

  it('keeps the Japanese header and emulator strip compact on a 360 px phone', async () => {
    const { page, close } = await newPage(world, { width: 360, height: 740, locale: 'ja-JP' });
    for (const path of ['/', '/login', '/signup']) {
      await page.goto(`${world.base}${path}`);
      expect(await page.getAttribute('html', 'lang')).to.equal('ja');
      const layout = await layoutOf(page);
      expect(layout.scrollWidth, path).to.be.at.most(layout.viewportWidth);
      expect(layout.header.height, `${path}: header height`).to.be.at.most(HEADER_BUDGET_PX);
      expect(layout.banner!.height, `${path}: emulator strip on one line`).to.be.below(2 * layout.banner!.lineHeight);
    }
    await close();
  });

  it('lays out on a 1280 px desktop: every page in a centred card under a one-row header, axe clean', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world, { width: 1280, height: 800 });
    const check = async (path: string, widths: { min: number; max: number }) => {
      await page.goto(`${world.base}${path}`);
      const layout = await layoutOf(page);
      expect(layout.scrollWidth, `${path}: horizontal overflow`).to.be.at.most(layout.viewportWidth);
      expect(layout.header.height, `${path}: one-row header`).to.be.at.most(HEADER_BUDGET_PX);
      const card = layout.card!;
      expect(card, `${path}: a card`).to.not.equal(undefined);
      expect(Math.abs(card.left - (layout.viewportWidth - card.right)), `${path}: card centred`).to.be.at.most(1);
      expect(card.width, `${path}: card width`).to.be.within(widths.min, widths.max);
      await expectAccessible(page);
    };
    const form = { min: 400, max: 560 };
    for (const path of ['/', '/login', '/signup', '/signup/confirm', '/password/forgot', '/password/reset']) await check(path, form);
    await check('/nowhere', form);
    await check('/dev/mailbox', { min: 800, max: 1000 });
    await page.goto(`${world.base}/login`);
    await screenshot(page, 'desktop-signin');
    await page.fill('#f-email', user.email);
    await page.fill('#f-password', user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${world.base}/profile`);
    for (const path of ['/password/change', '/email/change', '/email/verify', '/mfa/setup']) await check(path, form);
    await check('/complete', { min: 800, max: 1000 });
    await check('/profile', { min: 600, max: 760 });
    await screenshot(page, 'desktop-profile');
    await close();
  });
});
