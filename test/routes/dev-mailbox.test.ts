import { expect } from 'chai';
import { buildTestApp } from '../helpers/app';
import { codeFromEmulator, newEmail, submit } from '../helpers/forms';
import { startTestIssuer } from '../helpers/test-issuer';
import { TEST_PASSWORD } from '../helpers/users';
import { loadConfig } from '../../src/config';

describe('GET /dev/mailbox', () => {
  it('lists the codes the emulator would have e-mailed, newest first', async () => {
    const t = buildTestApp();
    const first = newEmail('mail-first');
    const second = newEmail('mail-second');
    await submit(t.agent(), '/signup', '/signup', { email: first, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD });
    await new Promise((r) => setTimeout(r, 5)); // distinct timestamps
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
});
