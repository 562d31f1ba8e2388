import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildUserPoolClientInput, buildUserPoolInput, buildUserPoolMfaConfigInput, type FirstAuthFactor } from '../../../src/cognito/pool-settings';
import type { PoolIds } from '../../../src/cognito/settings';
import { createPasskeyAuthenticator } from '../../../src/testing';
import { buildTestApp, resolveCognitoSettings, type TestApp, type TestAppOverrides } from '../../helpers/app';
import { createUserIn } from '../../helpers/email-pools';
import { TEST_APP_BASE_URL, testEmulator } from '../../helpers/emulator';
import { csrfOf, submit } from '../../helpers/forms';
import { creationOptionsOn } from '../../helpers/passkeys';
import { createConfirmedUser } from '../../helpers/users';

/** A pool of the test's own: its plan, first factors and relying party set through the SDK, as an administrator would. */
async function poolWith(settings: { tier?: 'LITE' | 'ESSENTIALS'; factors?: FirstAuthFactor[]; relyingPartyId?: string }): Promise<PoolIds> {
  const { client } = testEmulator();
  const input = {
    ...buildUserPoolInput(settings.factors ? { firstAuthFactors: settings.factors } : {}),
    PoolName: `passkeys-${randomUUID().slice(0, 8)}`,
  };
  const created = await client.send(new CreateUserPoolCommand({ ...input, ...(settings.tier ? { UserPoolTier: settings.tier } : {}) }));
  const userPoolId = created.UserPool!.Id!;
  if (settings.relyingPartyId) {
    await client.send(
      new SetUserPoolMfaConfigCommand(
        buildUserPoolMfaConfigInput(userPoolId, { webAuthn: { relyingPartyId: settings.relyingPartyId, userVerification: 'preferred' } }),
      ),
    );
  }
  const app = await client.send(new CreateUserPoolClientCommand(buildUserPoolClientInput(userPoolId, TEST_APP_BASE_URL)));
  const clientId = app.UserPoolClient!.ClientId!;
  const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  return { userPoolId, clientId, clientSecret: described.UserPoolClient?.ClientSecret };
}

/** The app on that pool, signed in as a new user of it. */
async function signedInOn(ids: PoolIds, overrides: TestAppOverrides = {}) {
  const { client, emulator } = testEmulator();
  const t = buildTestApp({ ...overrides, cognito: { settings: resolveCognitoSettings(buildTestApp().config, ids, emulator.url), client } });
  const user = await createUserIn(ids, 'passkeys');
  const agent = t.agent();
  expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
  return { t, user, agent };
}

function warningsIn(t: TestApp): string[] {
  return t.logs.filter((line) => line.includes('relying party ID does not fit'));
}

describe("the passkeys page and the pool (against the kit's emulator)", () => {
  describe('GET /profile/passkeys, relying party', () => {
    it('says passkeys cannot be used yet where the relying party is another site, and logs one warning naming both', async () => {
      const { t, agent } = await signedInOn(await poolWith({ factors: ['PASSWORD', 'WEB_AUTHN'], relyingPartyId: 'shop.example.com' }));
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('the sign-in service is set up for another web address');
      expect(page.text).to.contain('data-passkeys-unavailable="mismatch"');
      expect(page.text).not.to.contain('/profile/passkeys/add');
      await agent.get('/profile/passkeys').expect(200);
      const warnings = warningsIn(t);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('"relyingPartyId":"shop.example.com"').and.contain('"host":"app.localhost"');
    });

    it('starts no ceremony there: the add form goes back to the page', async () => {
      const { agent, user } = await signedInOn(await poolWith({ factors: ['PASSWORD', 'WEB_AUTHN'], relyingPartyId: 'shop.example.com' }));
      const page = await agent.get('/profile/passkeys').expect(200);
      const res = await agent
        .post('/profile/passkeys/add')
        .type('form')
        .send({ currentPassword: user.password, _csrf: csrfOf(page.text) });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/profile/passkeys');
    });

    it('adds a passkey where the relying party is the host itself, and logs no warning', async () => {
      const { t, agent, user } = await signedInOn(await poolWith({ factors: ['PASSWORD', 'WEB_AUTHN'], relyingPartyId: 'app.localhost' }));
      const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
      expect(started.status).to.equal(200);
      const options = creationOptionsOn(started.text);
      expect(options.rp).to.deep.include({ id: 'app.localhost' });
      const credential = createPasskeyAuthenticator({ origin: TEST_APP_BASE_URL }).create(options);
      const done = await agent
        .post('/profile/passkeys/complete')
        .type('form')
        .send({ credential: JSON.stringify(credential), _csrf: csrfOf(started.text) });
      expect(done.status).to.equal(303);
      const page = await agent.get('/profile/passkeys').expect(200);
      expect(page.text).to.contain(`data-passkey-id="${credential.id}"`);
      expect(warningsIn(t)).to.deep.equal([]);
    });
  });

  describe('GET /profile/passkeys, pools without passkeys', () => {
    it('says passkeys are not available where the pool does not offer WEB_AUTHN', async () => {
      const { agent } = await signedInOn(await poolWith({ factors: ['PASSWORD', 'EMAIL_OTP'] }));
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('Passkeys are not available on this site.');
      expect(page.text).to.contain('data-passkeys-unavailable="pool"');
    });

    it('says passkeys are not available on the Lite plan', async () => {
      const { agent } = await signedInOn(await poolWith({ tier: 'LITE' }));
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'ja').expect(200);
      expect(page.text).to.contain('このサイトではパスキーを利用できません。');
    });
  });

  describe('GET /profile: the passkeys row', () => {
    it("shows a Passkeys row linking to the passkeys page where the pool offers passkeys (the kit's default pool does)", async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent().set('Accept-Language', 'en');
      expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
      const profile = (await agent.get('/profile').expect(200)).text;
      expect(profile).to.contain('<a href="/profile/passkeys" data-link="passkeys">Manage passkeys</a>');
    });

    it('shows no Passkeys row where the pool does not offer them', async () => {
      const off = await signedInOn(await poolWith({ factors: ['PASSWORD'] }));
      const profile = (await off.agent.get('/profile').set('Accept-Language', 'en').expect(200)).text;
      expect(profile).to.contain('data-field="mfa-status"');
      expect(profile).to.not.contain('data-link="passkeys"');
      expect(profile).to.not.contain('Manage passkeys');
    });
  });

  describe('GET /profile: the link for the profile page', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passkeys-view-'));
    const view = path.join(dir, 'profile.ejs');
    fs.writeFileSync(view, "<p data-link=\"<%= locals.passkeys ? locals.passkeys.href + ' ' + locals.passkeys.available : 'none' %>\"></p>");
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const withView: TestAppOverrides = { authOptions: (o) => ({ ...o, render: { ...o.render, views: { profile: view } } }) };

    it('gives the profile page the passkeys page and whether passkeys work here', async () => {
      const on = await signedInOn(await poolWith({ factors: ['PASSWORD', 'WEB_AUTHN'], relyingPartyId: 'localhost' }), withView);
      expect((await on.agent.get('/profile').expect(200)).text).to.contain('data-link="/profile/passkeys true"');
      const off = await signedInOn(await poolWith({ factors: ['PASSWORD'] }), withView);
      expect((await off.agent.get('/profile').expect(200)).text).to.contain('data-link="/profile/passkeys false"');
    });
  });
});
