/// <reference lib="dom" />
import { expect } from 'chai';
import { en } from '../../src/i18n/en';
import { ja } from '../../src/i18n/ja';
import { createMemoryStore, type SessionStoreHandle } from '../../src/sessions';
import { createConfirmedUser } from '../helpers/users';
import type { Page } from 'playwright-core';
import { expectAccessible, layoutOf, newPage, screenshot, useWorld } from './browser';

/** Wrong passwords before the sign-in limit answers 429 (the reference app's RATE_LIMIT_SIGNIN_FAILURES). */
const SIGN_IN_FAILURES = 2;

/**
 * A memory store whose per-user session index is down, as a Redis that stopped answering would be: a
 * signed-out visitor's pages still work, but a sign-in cannot be recorded, so the app answers 503.
 */
function storeWithIndexDown(): SessionStoreHandle {
  const handle = createMemoryStore();
  return { ...handle, userSessions: { ...handle.userSessions, add: () => Promise.reject(new Error('connection refused')) } };
}

/** Sends the sign-in form with this password and waits for the answer's page. */
async function sendSignIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.locator('main form button[type=submit]:not([name])').click();
  await page.waitForLoadState();
}

describe("real-browser journeys: error pages say what happened and what to do (Chromium, against the kit's emulator)", function () {
  this.timeout(60_000);
  const world = useWorld({ env: { RATE_LIMIT_SIGNIN_FAILURES: String(SIGN_IN_FAILURES) }, overrides: { sessions: storeWithIndexDown() } });

  it('404: "Page not found" with a link home, in English and Japanese', async () => {
    for (const [locale, messages] of [
      ['en-GB', en],
      ['ja-JP', ja],
    ] as const) {
      const { page, close } = await newPage(world, { locale });
      const response = await page.goto(`${world.base}/no-such-page`);
      expect(response?.status()).to.equal(404);
      expect(await page.textContent('h1')).to.equal(messages['errorPage.title.not_found']);
      expect(await page.title()).to.contain(messages['errorPage.title.not_found']);
      await expectAccessible(page);
      await screenshot(page, locale === 'en-GB' ? 'error-404' : 'error-404-ja');
      await page.locator('a[data-next="home"]').click();
      await page.waitForURL(`${world.base}/`);
      await close();
    }
  });

  it('403: a form sent after its token went stale is shown again, the message above the fields and the address kept', async () => {
    const { page, close } = await newPage(world);
    await page.goto(`${world.base}/password/forgot`);
    await page.fill('#f-email', 'someone@example.com');
    await page.context().clearCookies({ name: /\.csrf$/ });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send code' }).click(),
    ]);
    expect(response.status()).to.equal(403);
    await page.waitForLoadState();
    // Issue 20 §2: on the form itself, above the fields, with what was typed (no secret here) kept.
    expect(await page.textContent('h1')).to.equal(en['forgot.title']);
    expect(await page.getAttribute('.form-errors [data-code]', 'data-code')).to.equal('csrf_invalid');
    const above = await page.evaluate(() => {
      const message = document.querySelector('.form-errors [data-code]');
      const field = document.querySelector('#f-email');
      return !!message && !!field && (message.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    expect(above, 'the message above the fields').to.equal(true);
    expect(await page.inputValue('#f-email'), 'what was typed is kept (issue 20 §2)').to.equal('someone@example.com');
    await expectAccessible(page);
    await screenshot(page, 'error-403-expired-form');
    // The form shown again carries a fresh token: sending it works.
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.waitForURL(`${world.base}/password/reset`);
    await close();
  });

  it('429: after too many wrong passwords, the real wait and a link to reset the password', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    for (let i = 0; i <= SIGN_IN_FAILURES; i += 1) {
      await page.goto(`${world.base}/login`);
      await page.fill('#f-email', user.email);
      await page.fill('#f-password', 'Wr0ng-Password!');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForLoadState();
    }
    // On the sign-in form itself, above the fields, with the address kept.
    expect(await page.textContent('h1')).to.equal(en['login.title']);
    expect(await page.getAttribute('.form-errors [data-code]', 'data-code')).to.equal('rate_limited');
    expect(await page.inputValue('#f-email')).to.equal(user.email);
    const minutes = Number(await page.getAttribute('[data-wait-minutes]', 'data-wait-minutes'));
    expect(minutes).to.be.within(1, 15);
    expect(await page.textContent('[data-wait-minutes]')).to.match(/^You can try again in (a minute|\d+ minutes)\.$/);
    await expectAccessible(page);
    await screenshot(page, 'error-429');
    await page.locator('a[data-next="reset-password"]').click();
    await page.waitForURL(`${world.base}/password/forgot`);
    await close();
  });

  it('503: when the session store is down, "Temporarily unavailable" and that it is being retried', async () => {
    const user = await createConfirmedUser();
    for (const [locale, messages] of [
      ['en-GB', en],
      ['ja-JP', ja],
    ] as const) {
      const { page, close } = await newPage(world, { locale });
      await page.goto(`${world.base}/login`);
      await page.fill('#f-email', user.email);
      await page.fill('#f-password', user.password);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('main form button[type=submit]').first().click(),
      ]);
      expect(response.status()).to.equal(503);
      expect(response.headers()['retry-after']).to.match(/^\d+$/);
      await page.waitForLoadState();
      expect(await page.textContent('h1')).to.equal(messages['errorPage.title.unavailable']);
      expect(await page.textContent('main')).to.contain(messages['errorPage.next.unavailable']);
      expect(await page.textContent('header')).not.to.contain(user.email);
      await expectAccessible(page);
      await screenshot(page, locale === 'en-GB' ? 'error-503' : 'error-503-ja');
      await close();
    }
  });

  for (const size of [
    { width: 360, height: 740 },
    { width: 1280, height: 800 },
  ]) {
    for (const [locale, messages] of [
      ['en-GB', en],
      ['ja-JP', ja],
    ] as const) {
      it(`${size.width} px, ${locale}: the expired-form, 429 and 503 pages are axe clean and do not scroll sideways`, async () => {
        const user = await createConfirmedUser();
        const { page, close } = await newPage(world, { locale, ...size });
        /** A page with this title, and where a form was posted, the form's own message (`code`) above its fields. */
        const shown = async (titleKey: 'forgot.title' | 'login.title' | 'errorPage.title.unavailable', code?: string) => {
          expect(await page.textContent('h1')).to.equal(messages[titleKey]);
          if (code) expect(await page.getAttribute('.form-errors [data-code]', 'data-code')).to.equal(code);
          const layout = await layoutOf(page);
          expect(layout.scrollWidth, `${titleKey}: horizontal overflow`).to.be.at.most(layout.viewportWidth);
          await expectAccessible(page);
        };
        await page.goto(`${world.base}/password/forgot`);
        await page.fill('#f-email', user.email);
        await page.context().clearCookies({ name: /\.csrf$/ });
        await page.locator('main form button[type=submit]').click();
        await page.waitForLoadState();
        await shown('forgot.title', 'csrf_invalid');
        await sendSignIn(page, world.base, user.email, user.password);
        await shown('errorPage.title.unavailable');
        for (let i = 0; i <= SIGN_IN_FAILURES; i += 1) await sendSignIn(page, world.base, user.email, 'Wr0ng-Password!');
        await shown('login.title', 'rate_limited');
        if (size.width === 360 && locale === 'ja-JP') await screenshot(page, 'phone-error-429-ja');
        await close();
      });
    }
  }
});
