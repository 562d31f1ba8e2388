import { GetUserPoolMfaConfigCommand, SetUserPoolMfaConfigCommand, type UserPoolMfaType } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import * as OTPAuth from 'otpauth';
import type supertest from 'supertest';
import { testEmulator } from './emulator';
import { csrfOf, submit } from './forms';
import type { TestApp } from './app';
import { createConfirmedUser, TEST_PASSWORD } from './users';

type Agent = ReturnType<typeof supertest.agent>;
type User = { email: string; password: string };

const STEP_SECONDS = 30;

/** The code an authenticator app shows for a Base32 secret at `timestamp` (ms; now by default). */
export function totpCodeFor(secret: string, timestamp = Date.now()): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: STEP_SECONDS, timestamp });
}

/** Six digits that are no code of `secret` anywhere near now (cognito-local accepts one step either side). */
export function wrongTotpCodeFor(secret: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((step) => totpCodeFor(secret, Date.now() + step * STEP_SECONDS * 1000)));
  for (let n = 0; ; n += 1) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** The key the set-up page shows as text for typing into an app, without its spaces. */
export function secretOnPage(html: string): string {
  const shown = /<code class="totp-secret" data-totp-secret>([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  expect(shown, 'the key shown as text on the set-up page').to.be.a('string');
  return (shown as string).replace(/ /g, '');
}

/**
 * Mocha hooks for a describe block: the suite's pool gets MFA OPTIONAL with TOTP (the pool setting the
 * app documents) and goes back to what it was afterwards, so other files see the pool they expect.
 */
export function withOptionalTotpPool(): void {
  let saved: { mfa: UserPoolMfaType | undefined; totp: boolean };
  before(async () => {
    const { client, ids } = testEmulator();
    const current = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId }));
    saved = { mfa: current.MfaConfiguration, totp: current.SoftwareTokenMfaConfiguration?.Enabled ?? false };
    await client.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
  });
  after(async () => {
    const { client, ids } = testEmulator();
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: ids.userPoolId,
        MfaConfiguration: saved.mfa ?? 'OFF',
        SoftwareTokenMfaConfiguration: { Enabled: saved.totp },
      }),
    );
  });
}

/**
 * Switches TOTP on through the pages for a signed-in browser, as a person with an app would (the set-up
 * asks for the current password first); returns the secret.
 */
export async function switchOnTotp(agent: Agent, password = TEST_PASSWORD): Promise<string> {
  const start = await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: password });
  expect(start.status, 'POST /mfa/setup').to.equal(303);
  const page = await agent.get('/mfa/setup').expect(200);
  const secret = secretOnPage(page.text);
  const confirm = await agent
    .post('/mfa/setup/confirm')
    .type('form')
    .send({ code: totpCodeFor(secret), _csrf: csrfOf(page.text) });
  expect(confirm.status, 'POST /mfa/setup/confirm').to.equal(303);
  return secret;
}

/** Signs in with the password only and expects to land on `where`. */
export async function signInWithPassword(agent: Agent, user: User, where: string, page = '/login') {
  const res = await submit(agent, page, page, { email: user.email, password: user.password });
  expect(res.status, 'POST /login').to.equal(303);
  expect(res.headers.location).to.equal(where);
  return res;
}

/** A confirmed user who has switched TOTP on through the pages (and signed out again); with its secret. */
export async function userWithTotp(t: TestApp): Promise<User & { secret: string }> {
  const user = await createConfirmedUser();
  const agent = t.agent();
  await signInWithPassword(agent, user, '/profile');
  const secret = await switchOnTotp(agent, user.password);
  return { ...user, secret };
}
