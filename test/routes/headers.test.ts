import { expect } from 'chai';
import { loadConfig } from '../../src/app/config';
import { buildTestApp } from '../helpers/app';
import { testEmulator } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

describe('HTTP hardening', () => {
  it('sends a strict Content-Security-Policy: only the app itself, no inline script or style', async () => {
    const res = await buildTestApp().agent().get('/login').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    const directives = Object.fromEntries(csp.split(';').map((d) => { const [name, ...values] = d.trim().split(/\s+/); return [name, values]; }));
    expect(directives['default-src']).to.deep.equal(["'self'"]);
    expect(directives['script-src']).to.deep.equal(["'self'"]);
    expect(directives['style-src']).to.deep.equal(["'self'"]);
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
    for (const path of ['/', '/login', '/signup', '/auth/callback?error=access_denied']) {
      const res = await buildTestApp().agent().get(path);
      expect(res.headers['referrer-policy'], path).to.equal('no-referrer');
      expect(res.headers['x-powered-by'], path).to.equal(undefined);
      expect(res.headers['strict-transport-security'], path).to.equal(undefined);
      expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
    }
  });

  it('marks every page that shows user data Cache-Control: no-store', async () => {
    const user = await createConfirmedUser();
    const agent = buildTestApp().agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    for (const path of ['/complete', '/profile', '/password/change']) {
      expect((await agent.get(path).expect(200)).headers['cache-control'], path).to.equal('no-store');
    }
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
