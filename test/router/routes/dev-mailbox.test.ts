import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'chai';
import supertest from 'supertest';
import { isLoopbackAddress } from '../../../src/router/routes/dev-mailbox';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../../helpers/forms';
import { startTestIssuer } from '../../helpers/test-issuer';
import { TEST_PASSWORD } from '../../helpers/users';
import { loadConfig } from '../../../src/app/config';

/**
 * The app as a client at `address` reaches it: the test sets the socket's peer address (supertest can
 * only connect from this machine), which is what the app reads.
 */
function from(t: TestApp, address: string) {
  return supertest((req: IncomingMessage, res: ServerResponse) => {
    Object.defineProperty(req.socket, 'remoteAddress', { value: address, configurable: true });
    t.app(req, res);
  });
}

/** When cognito-local last changed the user with this address (what the mailbox sorts by), in ms. */
function lastModifiedAt(email: string): number {
  const { emulator, ids } = testEmulator();
  const db = JSON.parse(fs.readFileSync(path.join(emulator.dir, '.cognito', 'db', `${ids.userPoolId}.json`), 'utf8')) as {
    Users: Record<string, { Attributes: Array<{ Name: string; Value: string }>; UserLastModifiedDate: string }>;
  };
  const user = Object.values(db.Users).find((u) => u.Attributes.some((a) => a.Name === 'email' && a.Value === email));
  return new Date(user!.UserLastModifiedDate).getTime();
}

/** Headers that say a request was relayed by a proxy, a load balancer, a CDN or a tunnel. */
const RELAY_HEADERS: Record<string, string> = {
  'X-Forwarded-For': '198.51.100.7',
  'X-Forwarded-Host': 'abc123.ngrok.app',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Port': '443',
  'X-Forwarded-Prefix': '/app',
  Forwarded: 'for=198.51.100.7',
  'X-Real-IP': '198.51.100.7',
  Via: '1.1 proxy.example.com',
  'CF-Connecting-IP': '198.51.100.7',
  'True-Client-IP': '198.51.100.7',
};

describe('GET /dev/mailbox', () => {
  it('lists the codes the emulator would have e-mailed, newest first', async () => {
    const t = buildTestApp();
    const first = newEmail('mail-first');
    const second = newEmail('mail-second');
    await submit(t.agent(), '/signup', '/signup', { email: first, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    // Sorting needs distinct timestamps: the second sign-up comes once the clock has passed the first's.
    const firstAt = lastModifiedAt(first);
    while (Date.now() <= firstAt) await nextTurn();
    await submit(t.agent(), '/signup', '/signup', { email: second, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    const res = await t.agent().get('/dev/mailbox').set('Accept-Language', 'en').expect(200);
    expect(res.text).to.contain(codeFromEmulator(first));
    expect(res.text).to.contain(codeFromEmulator(second));
    expect(res.text.indexOf(second)).to.be.below(res.text.indexOf(first));
    expect(res.text).to.contain('Confirming a sign-up');
  });

  it('does not exist in production or on real Cognito', async () => {
    const issuer = await startTestIssuer();
    try {
      const onAws = buildTestApp({ cognito: { settings: issuer.settings, client: issuer.client } });
      await onAws.agent().get('/dev/mailbox').expect(404);
      const noMailbox = buildTestApp({ mailbox: undefined });
      await noMailbox.agent().get('/dev/mailbox').expect(404);
      // Even handed a mailbox and the emulator, a production app has no such page.
      const production = loadConfig({
        NODE_ENV: 'production',
        APP_BASE_URL: 'https://app.example.com',
        SESSION_SECRET: 'p'.repeat(40),
        COGNITO_REGION: 'ap-northeast-1',
        COGNITO_USER_POOL_ID: 'ap-northeast-1_Test',
        COGNITO_CLIENT_ID: 'abc123',
        COGNITO_CLIENT_SECRET: 'secret',
        COGNITO_DOMAIN: 'auth.example.com',
      });
      await buildTestApp({ config: production }).agent().get('/dev/mailbox').set('X-Forwarded-Proto', 'https').expect(404);
    } finally {
      await issuer.stop();
    }
  });

  it('answers only clients on this machine: others get the 404 page and no mailbox link, unless DEV_MAILBOX_OPEN=true', async () => {
    const t = buildTestApp();
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      await from(t, address).get('/dev/mailbox').expect(200);
    }
    for (const address of ['192.0.2.10', '::ffff:192.0.2.10', '2001:db8::1', '172.17.0.1']) {
      await from(t, address).get('/dev/mailbox').expect(404);
      const reset = await from(t, address).get('/password/reset').expect(200);
      expect(reset.text, address).to.not.contain('/dev/mailbox');
    }
    // X-Forwarded-For cannot make a remote client local, even with TRUST_PROXY.
    const behindProxy = buildTestApp({ env: { TRUST_PROXY: 'true' } });
    await from(behindProxy, '192.0.2.10').get('/dev/mailbox').set('X-Forwarded-For', '127.0.0.1').expect(404);

    const open = buildTestApp({ env: { DEV_MAILBOX_OPEN: 'true' } });
    await from(open, '192.0.2.10').get('/dev/mailbox').expect(200);
    expect((await from(open, '192.0.2.10').get('/password/reset')).text).to.contain('href="/dev/mailbox"');
  });

  it('refuses a request a proxy or tunnel on this machine relayed, whichever forwarding header it carries, and hides the link from it', async () => {
    const t = buildTestApp();
    // Behind a proxy it trusts (TRUST_PROXY), the app's rate limiter reads X-Forwarded-For without complaint.
    const behindProxy = buildTestApp({ env: { TRUST_PROXY: 'true' } });
    for (const [name, value] of Object.entries(RELAY_HEADERS)) {
      await t.agent().get('/dev/mailbox').set(name, value).expect(404);
      await behindProxy.agent().get('/dev/mailbox').set(name, value).expect(404);
      const reset = await behindProxy.agent().get('/password/reset').set(name, value).expect(200);
      expect(reset.text, name).to.not.contain('/dev/mailbox');
    }
    await t.agent().get('/dev/mailbox').expect(200);
    expect((await t.agent().get('/password/reset').expect(200)).text).to.contain('href="/dev/mailbox"');
  });

  it('tells loopback addresses from the rest', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      expect(isLoopbackAddress(address), address).to.equal(true);
    }
    for (const address of [
      undefined,
      '',
      '10.0.0.1',
      '128.0.0.1',
      '::',
      '::2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '::127.0.0.1',
      'localhost',
      '127.0.0.1.evil',
    ]) {
      expect(isLoopbackAddress(address), String(address)).to.equal(false);
    }
  });
});
