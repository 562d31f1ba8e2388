/// <reference lib="dom" />
import { expect } from 'chai';
import type { CDPSession, Page } from 'playwright-core';
import { createConfirmedUser } from '../helpers/users';
import { expectAccessible, newPage, screenshot, useWorld } from './browser';

/**
 * A virtual authenticator in this page's browser (the DevTools protocol's WebAuthn domain): a platform
 * authenticator that keeps discoverable passkeys, verifies the person and answers at once.
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** The passkeys the virtual authenticator holds. */
async function credentialsIn(cdp: CDPSession, authenticatorId: string): Promise<number> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.length;
}

async function signInWithPassword(page: Page, base: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', user.email);
  await page.fill('#f-password', user.password);
  await page.locator('form[action^="/login"] button[type=submit]').first().click();
  await page.waitForURL(/\/profile$|\/complete$|\/$/);
}

/** Signs out with the header's sign-out form, as the other journeys do. */
async function signOut(page: Page): Promise<void> {
  await page.locator('.user-menu summary').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForLoadState();
}

/** From the sign-in page: the address, "Sign in with a passkey", and the page whose form runs the ceremony. */
async function startPasskeySignIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', email);
  await page.locator('button[name="method"][value="passkey"]').click();
  await page.waitForURL(`${base}/login/passkey`);
  await page.locator('form[data-passkey="sign-in"]').waitFor();
  await expectAccessible(page);
}

/** The passkey sign-in: the ceremony through public/passkeys.js, then the page it lands on. */
async function signInWithPasskey(page: Page, base: string, email: string): Promise<void> {
  await startPasskeySignIn(page, base, email);
  await screenshot(page, 'passkeys-4-sign-in');
  await page.locator('form[data-passkey="sign-in"] button[type=submit]').click();
  await page.waitForURL(`${base}/profile`);
}

describe("real-browser journey: passkeys (Chromium with a virtual authenticator, against the kit's emulator)", function () {
  this.timeout(60_000);
  const world = useWorld();

  it('adds a passkey on the profile, signs in with it, removes it, and then it no longer signs in', async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    // Add: the step-up, then the browser's ceremony through public/passkeys.js.
    await signInWithPassword(page, world.base, user);
    await page.goto(`${world.base}/profile/passkeys`);
    await expectAccessible(page);
    await screenshot(page, 'passkeys-1-list-empty');
    await page.fill('#f-currentPassword', user.password);
    await page.locator('form[action="/profile/passkeys/add"] button[type=submit]').click();
    const register = page.locator('form[data-passkey="register"]');
    await register.waitFor();
    await expectAccessible(page);
    await screenshot(page, 'passkeys-2-create');
    await register.locator('button[type=submit]').click();
    await page.waitForURL(`${world.base}/profile/passkeys`);
    expect(await page.locator('p.notice').textContent()).to.contain('Passkey added.');
    expect(await page.locator('tr[data-passkey-id]').count()).to.equal(1);
    expect(await page.locator('tr[data-passkey-id] time[datetime]').count()).to.equal(1);
    expect(await credentialsIn(cdp, authenticatorId)).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'passkeys-3-list');

    // Sign out, then sign in with the passkey alone.
    await signOut(page);
    await signInWithPasskey(page, world.base, user.email);
    expect(await page.textContent('header')).to.contain(user.email);

    // A second browser holds a copy of the passkey and has reached the passkey step while it was still there.
    const other = await newPage(world);
    const copy = await addVirtualAuthenticator(other.page);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await copy.cdp.send('WebAuthn.addCredential', { authenticatorId: copy.authenticatorId, credential: credentials[0]! });
    await startPasskeySignIn(other.page, world.base, user.email);

    // Remove it (the step-up again).
    await page.goto(`${world.base}/profile/passkeys`);
    await page.locator('tr[data-passkey-id] a').click();
    await page.waitForURL(/\/profile\/passkeys\/remove\?credential=/);
    await expectAccessible(page);
    await page.fill('#f-currentPassword', user.password);
    await page.locator('form[action="/profile/passkeys/remove"] button[type=submit]').click();
    await page.waitForURL(`${world.base}/profile/passkeys`);
    expect(await page.locator('p.notice').textContent()).to.contain('Passkey removed.');
    expect(await page.locator('tr[data-passkey-id]').count()).to.equal(0);

    // The second browser's authenticator still signs the challenge, but Cognito no longer takes the passkey.
    await other.page.locator('form[data-passkey="sign-in"] button[type=submit]').click();
    const refused = other.page.locator('[data-message="signin.passkey.refused"]');
    await refused.waitFor();
    expect(await refused.textContent()).to.equal('The passkey was not accepted. Try again, or sign in another way.');
    expect(other.page.url(), 'still on the passkey step').to.equal(`${world.base}/login/passkey`);
    expect(await other.page.textContent('header')).not.to.contain(user.email);
    expect(await credentialsIn(copy.cdp, copy.authenticatorId), 'the authenticator kept its copy').to.equal(1);
    await expectAccessible(other.page);
    await other.close();

    // A new sign-in no longer offers the passkey: the choice offers what the account still has.
    await signOut(page);
    await page.goto(`${world.base}/login`);
    await page.fill('#f-email', user.email);
    await page.locator('button[name="method"][value="passkey"]').click();
    await page.waitForURL(`${world.base}/login/choose`);
    expect(await page.locator('button[name="answer"][value="WEB_AUTHN"]').count()).to.equal(0);
    expect(await page.locator('button[name="answer"][value="PASSWORD"]').count()).to.equal(1);
    await close();
  });

  it("shows the page's own message and posts nothing when the browser refuses the ceremony (a second passkey on one authenticator)", async () => {
    const user = await createConfirmedUser();
    const { page, close } = await newPage(world);
    await addVirtualAuthenticator(page);
    await signInWithPassword(page, world.base, user);
    for (const attempt of [1, 2]) {
      await page.goto(`${world.base}/profile/passkeys`);
      await page.fill('#f-currentPassword', user.password);
      await page.locator('form[action="/profile/passkeys/add"] button[type=submit]').click();
      const register = page.locator('form[data-passkey="register"]');
      await register.waitFor();
      await register.locator('button[type=submit]').click();
      if (attempt === 1) {
        await page.waitForURL(`${world.base}/profile/passkeys`);
        continue;
      }
      // Cognito's options exclude the passkey the authenticator already holds: InvalidStateError.
      const error = register.locator('[data-passkey-error]');
      await error.waitFor({ state: 'visible' });
      expect(await error.textContent()).to.equal(await register.getAttribute('data-passkey-error-exists'));
      expect(page.url(), 'nothing was posted').to.equal(`${world.base}/profile/passkeys/add`);
      await page.waitForFunction(() => !(document.querySelector('form[data-passkey] button[type=submit]') as HTMLButtonElement).disabled);
      await expectAccessible(page);
    }
    await close();
  });
});
