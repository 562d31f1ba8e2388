import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { loadConfig } from '../../../src/app/config';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../../helpers/forms';
import { switchOnTotp, totpCodeFor, withOptionalTotpPool } from '../../helpers/totp';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

/** A Content-Security-Policy header's directives, by name. */
function cspDirectives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values];
    }),
  );
}

describe('HTTP hardening', () => {
  it('sends a strict Content-Security-Policy: only the app itself and this response’s nonce, no inline script or style', async () => {
    const agent = buildTestApp().agent();
    const res = await agent.get('/login').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    const directives = cspDirectives(csp);
    const nonce = /'nonce-([A-Za-z0-9+/]+={0,2})'/.exec(csp)?.[1];
    expect(nonce, 'a base64 nonce').to.be.a('string');
    expect(Buffer.from(nonce!, 'base64')).to.have.length(16);
    expect(directives['default-src']).to.deep.equal(["'self'"]);
    expect(directives['script-src']).to.deep.equal(["'self'", `'nonce-${nonce}'`]);
    expect(directives['style-src']).to.deep.equal(["'self'", `'nonce-${nonce}'`]);
    const next = cspDirectives((await agent.get('/login').expect(200)).headers['content-security-policy'] as string);
    expect(next['script-src']?.[1], 'a new nonce for every response')
      .to.match(/^'nonce-/)
      .and.not.equal(`'nonce-${nonce}'`);
    expect(directives['object-src']).to.deep.equal(["'none'"]);
    expect(directives['frame-ancestors']).to.deep.equal(["'none'"]);
    expect(directives['form-action']).to.deep.equal(["'self'", testEmulator().emulator.url]);
    expect(csp).to.not.contain('unsafe-inline');
    expect(csp).to.not.contain('unsafe-eval');
    // And the pages carry no inline script or style for it to block.
    expect(res.text).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).to.not.match(/<style|\sstyle="/);
  });

  it('sends Referrer-Policy: no-referrer, no X-Powered-By, and no HSTS outside production', async () => {
    for (const path of ['/', '/login', '/signup', '/callback?error=access_denied']) {
      const res = await buildTestApp().agent().get(path);
      expect(res.headers['referrer-policy'], path).to.equal('no-referrer');
      expect(res.headers['x-powered-by'], path).to.equal(undefined);
      expect(res.headers['strict-transport-security'], path).to.equal(undefined);
      expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
    }
  });

  describe('Cache-Control: no-store on every page that shows a person’s data, each in the state where it shows it', () => {
    withOptionalTotpPool();

    /** GETs `path` and expects it to show `shown` and to forbid storing it. */
    async function expectNoStore(agent: Agent, path: string, shown: string | RegExp) {
      const res = await agent.get(path).set('Accept-Language', 'en');
      expect(res.status, path).to.equal(200);
      if (typeof shown === 'string') expect(res.text, `${path} shows the data`).to.contain(shown);
      else expect(res.text, `${path} shows the data`).to.match(shown);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }

    it('signed in: the start page, /complete, the profile, the password, e-mail and two-step pages, the set-up page with its key', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      for (const path of ['/', '/complete', '/profile', '/password/change', '/email/change', '/email/verify', '/mfa/setup']) {
        await expectNoStore(agent, path, user.email);
      }
      await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: user.password });
      await expectNoStore(agent, '/mfa/setup', /data-totp-secret>[A-Z2-7 ]+</);
    });

    it('on the way in: the code and new-password steps, and the pages that prefill an address or show codes', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const setup = t.agent();
      await submit(setup, '/login', '/login', { email: user.email, password: user.password });
      const secret = await switchOnTotp(setup, user.password);
      await expectNoStore(setup, '/mfa/disable', user.email);
      const challenged = t.agent();
      await submit(challenged, '/login', '/login', { email: user.email, password: user.password });
      await expectNoStore(challenged, '/login/mfa', 'autocomplete="one-time-code"');
      await submit(challenged, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) });

      const { client, ids } = testEmulator();
      const invited = newEmail('no-store');
      await client.send(
        new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: invited, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
      );
      const newPassword = t.agent();
      await submit(newPassword, '/login', '/login', { email: invited, password: TEST_PASSWORD });
      await expectNoStore(newPassword, '/login/new-password', 'autocomplete="new-password"');

      const forgot = t.agent();
      await submit(forgot, '/password/forgot', '/password/forgot', { email: user.email });
      await expectNoStore(forgot, '/password/reset', `value="${user.email}"`);
      await expectNoStore(forgot, '/login', `value="${user.email}"`);
      await expectNoStore(forgot, '/password/forgot', `value="${user.email}"`);
      const signup = t.agent();
      const email = newEmail('no-store');
      await submit(signup, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
      await expectNoStore(signup, '/signup/confirm', `value="${email}"`);
      await expectNoStore(t.agent(), '/dev/mailbox', codeFromEmulator(email));
    });
  });

  it('serves the stylesheet from the app itself, cacheable, without directory listings', async () => {
    const agent = buildTestApp().agent();
    const css = await agent.get('/public/style.css').expect(200);
    expect(css.headers['content-type']).to.match(/text\/css/);
    expect(css.headers['cache-control']).to.contain('max-age=3600');
    await agent.get('/public/').expect(404);
  });

  it('trusts X-Forwarded-Proto only with TRUST_PROXY: without it, production sets no cookie over plain http', async () => {
    const env = {
      NODE_ENV: 'production',
      APP_BASE_URL: 'https://app.example.com',
      SESSION_SECRET: 's'.repeat(40),
      COGNITO_REGION: 'ap-northeast-1',
      COGNITO_USER_POOL_ID: 'ap-northeast-1_Test',
      COGNITO_CLIENT_ID: 'abc123',
      COGNITO_CLIENT_SECRET: 'secret',
      COGNITO_DOMAIN: 'auth.example.com',
    };
    const untrusting = buildTestApp({ config: loadConfig(env) });
    const spoofed = await untrusting.agent().get('/signup').set('X-Forwarded-Proto', 'https');
    expect(spoofed.headers['set-cookie'] ?? []).to.satisfy((c: string[]) => c.every((v) => !v.startsWith('__Host-sid')));
    const trusting = buildTestApp({ config: loadConfig({ ...env, TRUST_PROXY: 'true' }) });
    const proxied = await trusting.agent().get('/signup').set('X-Forwarded-Proto', 'https');
    expect((proxied.headers['set-cookie'] as unknown as string[]).some((v) => v.startsWith('__Host-sid') && v.includes('Secure'))).to.equal(true);
  });
});
