import { createHash, randomBytes } from 'node:crypto';
import { AdminCreateUserCommand, AdminDisableUserCommand, GetUserCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { totpCode } from '../../../src/testing';
import { TEST_APP_BASE_URL, testEmulator } from '../../helpers/emulator';
import { wrongTotpCodeFor } from '../../helpers/totp';
import { createUser, emulator, PASSWORD, signIn, turnOnTotp } from './fixtures';

const CALLBACK = `${TEST_APP_BASE_URL}/callback`;

/** The hidden fields of a form the emulator served. */
function hiddenFields(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
}

/** A browser on the emulator's Hosted UI, for the suite's app client (the one with a secret). */
function hostedUi(lang?: string) {
  const { emulator: running, ids } = testEmulator();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/oauth2/authorize', running.url);
  const params = {
    client_id: ids.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scope: 'openid email',
    state: 'state-123',
    ...(lang ? { lang } : {}),
  };
  for (const [key, value] of Object.entries(params)) authorize.searchParams.set(key, value);
  const post = (fields: Record<string, string>) =>
    fetch(authorize.origin + authorize.pathname, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields) });
  const basic = `Basic ${Buffer.from(`${ids.clientId}:${ids.clientSecret}`).toString('base64')}`;
  const token = (fields: Record<string, string>, authorization: string | null = basic) =>
    fetch(new URL('/oauth2/token', running.url), {
      method: 'POST',
      headers: authorization ? { authorization } : {},
      body: new URLSearchParams({ client_id: ids.clientId, ...fields }),
    });
  return {
    open: async () => (await fetch(authorize)).text(),
    async signIn(email: string, password: string) {
      return post({ ...hiddenFields(await this.open()), username: email, password });
    },
    post,
    token,
    exchange: (callback: URL) =>
      token({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CALLBACK, code_verifier: verifier }),
  };
}

describe('the emulator’s Hosted UI', () => {
  describe('GET /oauth2/authorize', () => {
    it('speaks Japanese for lang=ja and English otherwise', async () => {
      const ja = await hostedUi('ja').open();
      expect(ja).to.contain('<html lang="ja">').and.contain('サインイン').and.contain('name="username"');
      expect(ja, 'the emulator notice, in two sentences').to.contain('忠実化レイヤー）です。Amazon Cognito ではありません。');
      const en = await hostedUi().open();
      expect(en).to.contain('<html lang="en">').and.contain('>Sign in</button>');
    });

    it('refuses an unregistered redirect_uri', async () => {
      const page = hostedUi();
      const html = await page.open();
      const res = await page.post({ ...hiddenFields(html), redirect_uri: 'https://evil.example/cb', username: 'x', password: 'y' });
      expect(res.status).to.equal(400);
    });
  });

  describe('POST /oauth2/authorize', () => {
    it('sends a user without two-step sign-in back with a code that the token endpoint exchanges once', async () => {
      const user = await createUser(testEmulator().ids.clientId);
      const page = hostedUi();
      const res = await page.signIn(user.email, user.password);
      expect(res.status).to.equal(302);
      const callback = new URL(res.headers.get('location') as string);
      expect(callback.origin + callback.pathname).to.equal(CALLBACK);
      expect(callback.searchParams.get('state')).to.equal('state-123');
      const tokens = (await (await page.exchange(callback)).json()) as { access_token: string; refresh_token: string };
      expect((await emulator().client.send(new GetUserCommand({ AccessToken: tokens.access_token }))).Username).to.be.a('string');
      expect((await page.exchange(callback)).status, 'a used code').to.equal(400);
    });

    it('asks for the authenticator-app code when the account has two-step sign-in, in the page’s language', async () => {
      const clientId = testEmulator().ids.clientId;
      const user = await createUser(clientId);
      const secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
      const page = hostedUi('ja');
      const step = await page.signIn(user.email, user.password);
      expect(step.status, 'no code before the second step').to.equal(200);
      const html = await step.text();
      expect(html).to.contain('name="code"').and.contain('認証アプリに表示される6桁のコード').and.contain('2段階認証');

      const wrong = await page.post({ ...hiddenFields(html), code: wrongTotpCodeFor(secret) });
      const again = await wrong.text();
      expect(wrong.status).to.equal(200);
      expect(again).to.contain('role="alert"').and.contain('name="code"');
      const right = await page.post({ ...hiddenFields(again), code: totpCode(secret) });
      expect(right.status).to.equal(302);
      expect(new URL(right.headers.get('location') as string).searchParams.get('code')).to.be.a('string');
    });

    it('refuses a wrong password and a disabled user with the form again', async () => {
      const user = await createUser(testEmulator().ids.clientId);
      const wrong = await hostedUi().signIn(user.email, 'Wrong-passw0rd');
      expect(wrong.status).to.equal(200);
      expect(await wrong.text()).to.contain('Incorrect username or password.');
      await emulator().client.send(new AdminDisableUserCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
      const disabled = await hostedUi().signIn(user.email, user.password);
      expect(await disabled.text()).to.contain('User is disabled.');
    });

    it('asks a user with a temporary password for a new one that meets the policy', async () => {
      const email = `hosted-temp-${Date.now()}@example.com`;
      await emulator().client.send(
        new AdminCreateUserCommand({
          UserPoolId: emulator().userPoolId,
          Username: email,
          TemporaryPassword: 'Temp0rary!Pass',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const page = hostedUi();
      const step = await (await page.signIn(email, 'Temp0rary!Pass')).text();
      expect(step).to.contain('name="new_password"');
      const weak = await (await page.post({ ...hiddenFields(step), new_password: 'weak' })).text();
      expect(weak).to.contain('Password did not conform with policy: Password not long enough');
      const done = await page.post({ ...hiddenFields(weak), new_password: PASSWORD });
      expect(done.status).to.equal(302);
    });
  });

  describe('POST /oauth2/token', () => {
    it('refuses a client that does not give its secret', async () => {
      const user = await createUser(testEmulator().ids.clientId);
      const page = hostedUi();
      const callback = new URL((await page.signIn(user.email, user.password)).headers.get('location') as string);
      const res = await page.token({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CALLBACK }, null);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: string }).error).to.equal('invalid_client');
    });

    it('refreshes with the refresh token it issued, until RevokeToken revokes it', async () => {
      const user = await createUser(testEmulator().ids.clientId);
      const page = hostedUi();
      const callback = new URL((await page.signIn(user.email, user.password)).headers.get('location') as string);
      const tokens = (await (await page.exchange(callback)).json()) as { refresh_token: string };
      const refreshed = await page.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(refreshed.status).to.equal(200);
      const { ids } = testEmulator();
      await emulator().client.send(new RevokeTokenCommand({ ClientId: ids.clientId, ClientSecret: ids.clientSecret, Token: tokens.refresh_token }));
      const after = await page.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(after.status).to.equal(400);
      expect(((await after.json()) as { error: string }).error).to.equal('invalid_grant');
    });
  });
});
