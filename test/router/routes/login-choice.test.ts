import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createEmulatorMailbox } from '../../../src/cognito/mailbox';
import { createPasskeys } from '../../../src/testing/passkey-registration';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../../helpers/app';
import { createClientDouble } from '../../helpers/client-double';
import { TEST_APP_BASE_URL, testEmulator } from '../../helpers/emulator';
import { csrfOf, submit } from '../../helpers/forms';
import { totpCodeFor, userWithTotp, withOptionalTotpPool } from '../../helpers/totp';
import { createConfirmedUser, createVerifiedUser } from '../../helpers/users';

const EVERY_FACTOR = { COGNITO_FIRST_FACTORS: 'PASSWORD,EMAIL_OTP,WEB_AUTHN' };

type Agent = ReturnType<TestApp['agent']>;

/** The newest sign-in code the emulator "e-mailed" to `email`, read as a person reads their mail. */
async function signInCodeFor(email: string): Promise<string> {
  const { emulator, ids } = testEmulator();
  const entry = (await createEmulatorMailbox(emulator.dir, ids.userPoolId).read()).find((e) => e.email === email && e.kind === 'sign-in');
  expect(entry, `a sign-in code for ${email}`).to.not.equal(undefined);
  return entry!.code;
}

/** The options JSON the passkey page hands to the browser's script. */
function passkeyOptionsOn(html: string): string {
  const json = /<script type="application\/json" data-passkey-options>([^<]*)<\/script>/.exec(html)?.[1];
  expect(json, 'the options block').to.be.a('string');
  return json!;
}

/** Who the complete page says signed in, and how. */
async function signedInAs(agent: Agent): Promise<string> {
  const page = await agent.get('/complete').set('Accept-Language', 'en').expect(200);
  return /data-field="provider">([^<]*)</.exec(page.text)?.[1] ?? '';
}

for (const signInApi of ['admin', 'public'] as const) {
  describe(`choice-based sign-in on the custom pages (cognito.signInApi ${signInApi})`, () => {
    const app = () => buildTestApp({ env: { ...EVERY_FACTOR, COGNITO_SIGN_IN_API: signInApi } });

    it('starts from the address and offers the password, a code by e-mail and a passkey; the password signs in in one call', async () => {
      const t = app();
      const user = await createConfirmedUser();
      const page = await t.agent().get('/login').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('name="method" value="email-code"');
      expect(page.text).to.contain('name="method" value="passkey"');
      expect(page.text).to.contain('Email me a sign-in code');
      const agent = t.agent();
      const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/profile');
      expect(await signedInAs(agent)).to.equal('Email and password');
      expect((await submit(t.agent(), '/login', '/login', { email: user.email, password: 'Wr0ng-Passw0rd!' })).status, 'a wrong password').to.equal(
        401,
      );
    });

    it('marks the password optional on the choice-based page (a code or a passkey needs none), the address required', async () => {
      const choice = (await app().agent().get('/login').expect(200)).text;
      expect(/<input id="f-email"[^>]*>/.exec(choice)?.[0]).to.contain(' required');
      expect(/<input id="f-password"[^>]*>/.exec(choice)?.[0]).to.not.contain('required');
      const passwordOnly = (
        await buildTestApp({ env: { COGNITO_FIRST_FACTORS: 'PASSWORD', COGNITO_SIGN_IN_API: signInApi } })
          .agent()
          .get('/login')
          .expect(200)
      ).text;
      expect(/<input id="f-password"[^>]*>/.exec(passwordOnly)?.[0], 'the password-only page').to.contain(' required');
    });

    it('signs in with the 8-digit code sent by e-mail, in plain forms; a wrong code can be corrected', async () => {
      const t = app();
      const user = await createVerifiedUser();
      const agent = t.agent();
      const start = await submit(agent, '/login?returnTo=%2Fcomplete', '/login?returnTo=%2Fcomplete', { email: user.email, method: 'email-code' });
      expect(start.status).to.equal(303);
      expect(start.headers.location).to.equal('/login/code');
      const page = await agent.get('/login/code').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain('8-digit sign-in code');
      expect(page.text, 'the address, masked').to.not.contain(user.email);
      const code = await signInCodeFor(user.email);
      expect(code).to.match(/^\d{8}$/);
      const wrong = await agent
        .post('/login/code')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ code: code === '00000000' ? '11111111' : '00000000', _csrf: csrfOf(page.text) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('That code is not right');
      const right = await agent
        .post('/login/code')
        .type('form')
        .send({ code, _csrf: csrfOf(wrong.text) });
      expect(right.status).to.equal(303);
      expect(right.headers.location).to.equal('/complete');
      expect(await signedInAs(agent)).to.equal('Code sent by email');
      await agent.get('/login/code').expect(303).expect('Location', '/login');
    });

    it('signs in with a passkey: the page carries WEB_AUTHN’s options for the script, and the assertion in `credential` signs in', async () => {
      const t = app();
      const user = await createConfirmedUser();
      const { client, ids } = testEmulator();
      const { authenticator } = await createPasskeys(client, ids, TEST_APP_BASE_URL).register(user);
      const agent = t.agent();
      const start = await submit(agent, '/login', '/login', { email: user.email, method: 'passkey' });
      expect(start.headers.location).to.equal('/login/passkey');
      const page = await agent.get('/login/passkey').expect(200);
      expect(page.text).to.match(/<form method="post" action="\/login\/passkey" class="form" data-passkey="sign-in"/);
      expect(page.text).to.contain('<input type="hidden" name="credential" value="">');
      expect(page.text).to.match(/<script src="\/public\/passkeys\.js" defer nonce="[^"]+"><\/script>/);
      const options = JSON.parse(passkeyOptionsOn(page.text)) as { challenge: string; rpId: string };
      expect(options.rpId).to.equal('localhost');
      const noScript = await agent
        .post('/login/passkey')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ credential: '', _csrf: csrfOf(page.text) });
      expect(noScript.status).to.equal(400);
      expect(noScript.text).to.contain('needs JavaScript');
      const assertion = authenticator.get(options);
      const forged = JSON.stringify({
        ...assertion,
        response: { ...assertion.response, signature: Buffer.from('not the signature').toString('base64url') },
      });
      const refused = await agent
        .post('/login/passkey')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ credential: forged, _csrf: csrfOf(noScript.text) });
      expect(refused.status).to.equal(401);
      expect(refused.text).to.contain('The passkey was not accepted');
      await agent.get('/profile').expect(303);
      const credential = JSON.stringify(assertion);
      const done = await agent
        .post('/login/passkey')
        .type('form')
        .send({ credential, _csrf: csrfOf(refused.text) });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal('/profile');
      expect(await signedInAs(agent)).to.equal('Passkey');
    });

    it('asks how to sign in when only the address is given (SELECT_CHALLENGE), offering what the account has', async () => {
      const t = app();
      const user = await createVerifiedUser();
      const agent = t.agent();
      const start = await submit(agent, '/login', '/login', { email: user.email });
      expect(start.headers.location).to.equal('/login/choose');
      const page = await agent.get('/login/choose').set('Accept-Language', 'en').expect(200);
      expect(page.text).to.contain(user.email);
      expect(page.text).to.contain('name="answer" value="PASSWORD"');
      expect(page.text).to.contain('name="answer" value="EMAIL_OTP"');
      expect(page.text, 'no passkey on this account').to.not.contain('value="WEB_AUTHN"');
      const chosen = await agent
        .post('/login/choose')
        .type('form')
        .send({ answer: 'EMAIL_OTP', _csrf: csrfOf(page.text) });
      expect(chosen.headers.location).to.equal('/login/code');
      const codePage = await agent.get('/login/code').expect(200);
      const done = await agent
        .post('/login/code')
        .type('form')
        .send({ code: await signInCodeFor(user.email), _csrf: csrfOf(codePage.text) });
      expect(done.headers.location).to.equal('/profile');
    });

    it('leads a passkey chosen by an account without one to the choice, where the password still signs in', async () => {
      const t = app();
      const user = await createVerifiedUser();
      const agent = t.agent();
      expect((await submit(agent, '/login', '/login', { email: user.email, method: 'passkey' })).headers.location).to.equal('/login/choose');
      const page = await agent.get('/login/choose').expect(200);
      const wrong = await agent
        .post('/login/choose')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ answer: 'PASSWORD', password: 'Wr0ng-Passw0rd!', _csrf: csrfOf(page.text) });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.contain('The email address or the password is not right.');
      expect(wrong.text, 'the address kept').to.contain(`value="${user.email}"`);
      expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).headers.location).to.equal('/profile');
    });
  });
}

describe('choice-based sign-in and two-step sign-in', () => {
  withOptionalTotpPool();

  it('asks for the authenticator code after the password where the account has one (USER_AUTH, then SOFTWARE_TOKEN_MFA)', async () => {
    const t = buildTestApp({ env: EVERY_FACTOR });
    const user = await userWithTotp(buildTestApp());
    const agent = t.agent();
    expect((await agent.get('/login').expect(200)).text, 'the choice-based page').to.contain('name="method" value="email-code"');
    expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).headers.location).to.equal('/login/mfa');
    const done = await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) });
    expect(done.headers.location).to.equal('/profile');
  });
});

describe('the choice-based pages in both languages', () => {
  it('shows the sign-in page and every step in Japanese and English, with no untranslated keys', async () => {
    const t = buildTestApp({ env: EVERY_FACTOR });
    const user = await createVerifiedUser();
    const { client, ids } = testEmulator();
    await createPasskeys(client, ids, TEST_APP_BASE_URL).register(user);
    const steps: Array<[method: string | undefined, path: string]> = [
      [undefined, '/login/choose'],
      ['email-code', '/login/code'],
      ['passkey', '/login/passkey'],
    ];
    for (const [locale, sample] of [
      ['ja', 'パスワードを使わずにサインイン'],
      ['en', 'Or sign in without a password'],
    ] as const) {
      const agent = t.agent();
      const pages = [(await agent.get('/login').set('Accept-Language', locale).expect(200)).text];
      expect(pages[0]).to.contain(sample);
      for (const [method, path] of steps) {
        const start = await submit(agent, '/login', '/login', { email: user.email, ...(method ? { method } : {}) });
        expect(start.headers.location).to.equal(path);
        pages.push((await agent.get(path).set('Accept-Language', locale).expect(200)).text);
      }
      for (const html of pages) expect(html.replace(/<[^>]+>/g, ' ')).to.not.match(/\b(signin|login|error|field|form)\.[a-zA-Z_.]+\b/);
    }
  });
});

describe('a choice-based step whose time ran out', () => {
  it('sends the browser back to the sign-in page with a message, and the step is gone', async () => {
    let offset = 0;
    const t = buildTestApp({ env: EVERY_FACTOR, clock: () => Date.now() + offset });
    const user = await createVerifiedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email: user.email, method: 'email-code' })).headers.location).to.equal('/login/code');
    offset = 3 * 60_000 + 1000;
    await agent.get('/login/code').expect(303).expect('Location', '/login');
    expect((await agent.get('/login').set('Accept-Language', 'en').expect(200)).text).to.contain('The time for this sign-in step ran out');
    await agent.get('/login/code').expect(303).expect('Location', '/login');
  });
});

describe('POST /login/code limits', () => {
  it('counts wrong e-mailed codes per account, as the other codes are counted', async () => {
    const t = buildTestApp({ env: { ...EVERY_FACTOR, RATE_LIMIT_CODE_FAILURES_PER_ACCOUNT: '2' } });
    const user = await createVerifiedUser();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const agent = t.agent();
      await submit(agent, '/login', '/login', { email: user.email, method: 'email-code' });
      const page = await agent.get('/login/code').expect(200);
      statuses.push(
        (
          await agent
            .post('/login/code')
            .type('form')
            .send({ code: '00000001', _csrf: csrfOf(page.text) })
        ).status,
      );
    }
    expect(statuses).to.deep.equal([400, 400, 429]);
  });
});

describe('GET /login when already signed in', () => {
  it('goes on to returnTo (same-origin only), or to the profile', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    await agent.get('/login?returnTo=%2Fcomplete').expect(303).expect('Location', '/complete');
    await agent.get('/login?returnTo=https%3A%2F%2Fevil.example%2F').expect(303).expect('Location', '/profile');
    await agent.get('/login').expect(303).expect('Location', '/profile');
  });
});

describe('first factors the pool does not allow (double: DescribeUserPool answers a pool without EMAIL_OTP)', () => {
  it('keeps the password page, leaves the factor out and names it in the log once', async () => {
    const { client: real, emulator, ids } = testEmulator();
    const double = createClientDouble(real, (c) =>
      c.name === 'DescribeUserPoolCommand'
        ? real.send(new DescribeUserPoolCommand(c.input as never)).then((out) => ({
            ...out,
            UserPool: { ...out.UserPool, Policies: { ...out.UserPool?.Policies, SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] } } },
          }))
        : undefined,
    );
    const base = buildTestApp({ env: { COGNITO_FIRST_FACTORS: 'PASSWORD,EMAIL_OTP' } });
    const t = buildTestApp({
      env: { COGNITO_FIRST_FACTORS: 'PASSWORD,EMAIL_OTP' },
      cognito: { settings: resolveCognitoSettings(base.config, ids, emulator.url), client: double.client },
    });
    const plain = await buildTestApp().agent().get('/login').expect(200);
    const page = await t.agent().get('/login').expect(200);
    await t.agent().get('/login').expect(200);
    expect(page.text.replace(/value="[^"]*"/g, ''), 'the password page, unchanged').to.equal(plain.text.replace(/value="[^"]*"/g, ''));
    const warnings = t.logs.filter((line) => line.includes('AllowedFirstAuthFactors'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('EMAIL_OTP');
  });
});
