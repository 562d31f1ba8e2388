import { expect } from 'chai';
import { createPasskeyAuthenticator } from '../../../src/testing';
import { createPasskeys } from '../../../src/testing/passkey-registration';
import { buildTestApp } from '../../helpers/app';
import { TEST_APP_BASE_URL, testEmulator } from '../../helpers/emulator';
import { csrfOf, submit } from '../../helpers/forms';
import { addPasskey, creationOptionsOn, passkeysAtCognito, passkeySignsIn, signedIn } from '../../helpers/passkeys';

describe("the profile's passkeys (against the kit's emulator)", () => {
  const authenticatorAt = () => createPasskeyAuthenticator({ origin: TEST_APP_BASE_URL });

  describe('GET /profile/passkeys', () => {
    it('sends a signed-out visitor to sign in', async () => {
      const res = await buildTestApp().agent().get('/profile/passkeys');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.match(/^\/login/);
    });

    it('says there are none yet, that Cognito records no last use, and asks for the password before adding one', async () => {
      const { agent } = await signedIn(buildTestApp());
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('You have no passkeys yet.');
      expect(page.text).to.contain('does not record when a passkey was last used');
      expect(page.text).to.match(/<form method="post" action="\/profile\/passkeys\/add"/);
      expect(page.text).to.match(/name="currentPassword" type="password"/);
      expect(page.text).not.to.contain('data-passkey="register"');
    });
  });

  describe('GET /profile/passkeys, many passkeys', () => {
    it('shows them a page at a time, with a link to the next page and back', async function () {
      this.timeout(60_000);
      const { user, agent } = await signedIn(buildTestApp());
      const { client, ids } = testEmulator();
      const kit = createPasskeys(client, ids, TEST_APP_BASE_URL);
      for (let i = 0; i < 21; i++) await kit.register(user);
      const first = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      const rows = (html: string) => html.match(/<tr data-passkey-id=/g)?.length ?? 0;
      expect(rows(first.text)).to.equal(20);
      const next = /<a href="([^"]+)" rel="next">More passkeys<\/a>/.exec(first.text)?.[1] as string;
      expect(next).to.match(/^\/profile\/passkeys\?after=/);
      const second = await agent.get(next.replace(/&amp;/g, '&')).set('Accept-Language', 'en').expect(200);
      expect(rows(second.text)).to.equal(1);
      expect(second.text).to.contain('<a href="/profile/passkeys">Back to the first passkeys</a>');
      expect(second.text).not.to.contain('rel="next"');
    });

    it('answers a page token Cognito does not know with a 400 page', async () => {
      const { agent } = await signedIn(buildTestApp());
      await agent.get('/profile/passkeys?after=not-a-token').expect(400);
      await agent.get('/profile/passkeys?after=').expect(400);
    });
  });

  describe('POST /profile/passkeys/add and /complete', () => {
    it('adds a passkey after the password: listed with its creation time, and it signs in', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const authenticator = authenticatorAt();
      const id = await addPasskey(agent, user, authenticator);
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('Passkey added.');
      expect(page.text).to.contain(`data-passkey-id="${id}"`);
      expect(page.text).to.match(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
      expect(await passkeysAtCognito(user)).to.deep.equal([id]);
      expect(await passkeySignsIn(user.email, authenticator)).to.equal(true);
    });

    it('hands the browser the creation options in a register form with the CSRF token and the scripts', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
      expect(started.status).to.equal(200);
      expect(started.text).to.match(/<form method="post" action="\/profile\/passkeys\/complete" class="form" data-passkey="register"/);
      expect(started.text).to.match(/<input type="hidden" name="credential">/);
      // Each with the response's CSP nonce where the package's headers give one.
      expect(started.text).to.match(/<script src="\/public\/vendor\/simplewebauthn-browser.js" defer( nonce="[^"]+")?><\/script>/);
      expect(started.text).to.match(/<script src="\/public\/passkeys.js" defer( nonce="[^"]+")?><\/script>/);
      expect(creationOptionsOn(started.text)).to.include.keys('challenge', 'rp', 'user', 'pubKeyCredParams');
      expect(started.headers.location).to.equal(undefined);
    });

    it('refuses a wrong password: no ceremony, nothing added', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const res = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: 'Wrong-passw0rd!' });
      expect(res.status).to.equal(400);
      expect(res.text).not.to.contain('data-passkey-options');
      expect(res.text).to.match(/id="f-currentPassword"[^>]*aria-invalid="true"/);
      expect(await passkeysAtCognito(user)).to.deep.equal([]);
    });

    it('refuses the add without the password', async () => {
      const { agent } = await signedIn(buildTestApp());
      const res = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', {});
      expect(res.status).to.equal(400);
      expect(res.text).not.to.contain('data-passkey-options');
    });

    it('takes no passkey that did not follow a step-up in this session', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      // Another browser of the same account passed the step-up; this one only has the session.
      const other = buildTestApp().agent();
      await submit(other, '/login', '/login', user);
      const started = await submit(other, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
      const credential = authenticatorAt().create(creationOptionsOn(started.text));
      const page = await agent.get('/profile/passkeys').expect(200);
      const res = await agent
        .post('/profile/passkeys/complete')
        .type('form')
        .send({ credential: JSON.stringify(credential), _csrf: csrfOf(page.text) });
      expect(res.status).to.equal(303);
      const after = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(after.text).to.contain('The passkey request has expired.');
      expect(await passkeysAtCognito(user)).to.deep.equal([]);
    });

    it('refuses the completion without the CSRF token', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
      const credential = authenticatorAt().create(creationOptionsOn(started.text));
      const res = await agent
        .post('/profile/passkeys/complete')
        .type('form')
        .send({ credential: JSON.stringify(credential) });
      expect(res.status).to.equal(403);
      expect(await passkeysAtCognito(user)).to.deep.equal([]);
    });

    for (const [label, credential] of [
      ['nothing', ''],
      ['text that is no JSON', '{not json'],
      ['a JSON array', '[1,2]'],
      ['an object without an id', '{"type":"public-key"}'],
    ] as const) {
      it(`answers ${label} as the credential with a 400 page that says so`, async () => {
        const { user, agent } = await signedIn(buildTestApp());
        const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
        const res = await agent
          .post('/profile/passkeys/complete')
          .set('Accept-Language', 'en')
          .type('form')
          .send({ credential, _csrf: csrfOf(started.text) });
        expect(res.status).to.equal(400);
        expect(res.text).to.contain('No passkey came back from the browser.');
      });
    }

    it('says so when Cognito refuses the passkey (created for another site)', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
      const options = creationOptionsOn(started.text);
      // A passkey made for another relying party than the pool's: CompleteWebAuthnRegistration refuses it.
      const credential = createPasskeyAuthenticator({ origin: 'http://evil.localhost:3000' }).create({
        ...options,
        rp: { id: 'evil.localhost', name: 'x' },
      });
      const res = await agent
        .post('/profile/passkeys/complete')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ credential: JSON.stringify(credential), _csrf: csrfOf(started.text) });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('The passkey was not accepted.');
      expect(await passkeysAtCognito(user)).to.deep.equal([]);
    });
  });

  describe('GET and POST /profile/passkeys/remove', () => {
    it('removes a passkey after the password, and it no longer signs in', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const authenticator = authenticatorAt();
      const id = await addPasskey(agent, user, authenticator);
      expect(await passkeySignsIn(user.email, authenticator)).to.equal(true);
      const confirm = await agent.get(`/profile/passkeys/remove?credential=${id}`).set('Accept-Language', 'en').expect(200);
      expect(confirm.text).to.contain('It will no longer sign you in.');
      const res = await agent
        .post('/profile/passkeys/remove')
        .type('form')
        .send({ credentialId: id, currentPassword: user.password, _csrf: csrfOf(confirm.text) });
      expect(res.status).to.equal(303);
      const page = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('Passkey removed.');
      expect(page.text).not.to.contain(`data-passkey-id="${id}"`);
      expect(await passkeysAtCognito(user)).to.deep.equal([]);
      expect(await passkeySignsIn(user.email, authenticator)).to.equal(false);
    });

    it('refuses a wrong password and keeps the passkey', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const id = await addPasskey(agent, user, authenticatorAt());
      const confirm = await agent.get(`/profile/passkeys/remove?credential=${id}`).expect(200);
      const res = await agent
        .post('/profile/passkeys/remove')
        .type('form')
        .send({ credentialId: id, currentPassword: 'Wrong-passw0rd!', _csrf: csrfOf(confirm.text) });
      expect(res.status).to.equal(400);
      expect(res.text).to.match(/id="f-currentPassword"[^>]*aria-invalid="true"/);
      expect(await passkeysAtCognito(user)).to.deep.equal([id]);
    });

    it('refuses the removal without the CSRF token', async () => {
      const { user, agent } = await signedIn(buildTestApp());
      const id = await addPasskey(agent, user, authenticatorAt());
      const res = await agent.post('/profile/passkeys/remove').type('form').send({ credentialId: id, currentPassword: user.password });
      expect(res.status).to.equal(403);
      expect(await passkeysAtCognito(user)).to.deep.equal([id]);
    });

    it('answers a malformed passkey id with 400 and an unknown one with a notice', async () => {
      const { agent } = await signedIn(buildTestApp());
      const page = await agent.get('/profile/passkeys').expect(200);
      await agent
        .post('/profile/passkeys/remove')
        .type('form')
        .send({ credentialId: '<bad>', currentPassword: 'x', _csrf: csrfOf(page.text) })
        .expect(400);
      const unknown = await agent.get('/profile/passkeys/remove?credential=AAAA').expect(303);
      expect(unknown.headers.location).to.equal('/profile/passkeys');
      const back = await agent.get('/profile/passkeys').set('Accept-Language', 'en').expect(200);
      expect(back.text).to.contain('That passkey no longer exists.');
    });
  });
});
