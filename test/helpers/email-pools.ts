import fs from 'node:fs';
import path from 'node:path';
import {
  AdminConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import type session from 'express-session';
import { createEmulatorMailbox } from '../../src/cognito/mailbox';
import { buildUserPoolClientInput, buildUserPoolInput } from '../../src/cognito/pool-settings';
import type { PoolIds } from '../../src/cognito/settings';
import { buildTestApp, type TestApp, resolveCognitoSettings } from './app';
import { TEST_APP_BASE_URL, testEmulator } from './emulator';
import { newEmail, submit } from './forms';
import { TEST_PASSWORD } from './users';

/**
 * A pool of its own with the settings of pool-settings.ts and an explicit attribute-update setting, so these tests
 * do not depend on what pool-settings.ts says: `keepOriginal` keeps the old address until the new one is
 * verified (`AttributesRequireVerificationBeforeUpdate: ['email']`), otherwise `email` changes at once.
 */
export async function createPool(keepOriginal: boolean): Promise<PoolIds> {
  const { client } = testEmulator();
  const input = { ...buildUserPoolInput(), PoolName: `email-${keepOriginal ? 'keep' : 'immediate'}-${Date.now()}` };
  const pool = await client.send(
    new CreateUserPoolCommand({
      ...input,
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: keepOriginal ? ['email'] : [] },
    }),
  );
  const userPoolId = pool.UserPool!.Id!;
  const created = await client.send(new CreateUserPoolClientCommand(buildUserPoolClientInput(userPoolId, TEST_APP_BASE_URL)));
  const clientId = created.UserPoolClient!.ClientId!;
  const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  return { userPoolId, clientId, clientSecret: described.UserPoolClient?.ClientSecret };
}

/** The app on one of those pools, with its offline mailbox (and `sessionStore` when a test looks into it). */
export function appOn(ids: PoolIds, sessionStore?: session.Store): TestApp {
  const { client, emulator } = testEmulator();
  const base = buildTestApp();
  return buildTestApp({
    cognito: { settings: resolveCognitoSettings(base.config, ids, emulator.url), client },
    mailbox: createEmulatorMailbox(emulator.dir, ids.userPoolId),
    sessionStore,
  });
}

/** Signs up and confirms a user in `ids`' pool, as an administrator would. */
export async function createUserIn(ids: PoolIds, label = 'email'): Promise<{ email: string; password: string }> {
  const { client } = testEmulator();
  const email = newEmail(label);
  await client.send(
    new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: email }));
  return { email, password: TEST_PASSWORD };
}

/**
 * The e-mail verification code cognito-local "sent" to `email`, read from its own store as a person
 * reads their mail: a pending new address (UnverifiedAttributeChanges) counts as where it went.
 */
export function attributeCodeFor(ids: PoolIds, email: string): string {
  const { emulator } = testEmulator();
  type Attrs = Array<{ Name: string; Value: string }>;
  const db = JSON.parse(fs.readFileSync(path.join(emulator.dir, '.cognito', 'db', `${ids.userPoolId}.json`), 'utf8')) as {
    Users: Record<string, { Attributes: Attrs; UnverifiedAttributeChanges?: Attrs; AttributeVerificationCode?: string }>;
  };
  const has = (attrs: Attrs | undefined) => (attrs ?? []).some((a) => a.Name === 'email' && a.Value === email);
  const user = Object.values(db.Users).find((u) => has(u.UnverifiedAttributeChanges)) ?? Object.values(db.Users).find((u) => has(u.Attributes));
  expect(user?.AttributeVerificationCode, `a pending verification code for ${email}`).to.be.a('string');
  return user!.AttributeVerificationCode!;
}

/** A browser of a test app. */
export type Agent = ReturnType<TestApp['agent']>;

/** Signs `email` in through the custom sign-in page of `t`, in a new browser. */
export async function signIn(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Agent> {
  const agent = t.agent();
  const res = await submit(agent, '/login', '/login', { email, password });
  expect(res.status, `sign-in as ${email}`).to.equal(303);
  return agent;
}

/** The status a sign-in as `email` gets (303 signed in, 401 refused). */
export const signInStatus = async (t: TestApp, email: string) =>
  (await submit(t.agent(), '/login', '/login', { email, password: TEST_PASSWORD })).status;

/** What the profile says about the address: the email shown and "Email verified". */
export async function profileOf(agent: Agent) {
  const res = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
  return {
    text: res.text,
    email: /data-field="email">([^<]*)</.exec(res.text)?.[1],
    verified: /data-field="email-verified">([^<]*)</.exec(res.text)?.[1],
    header: /Signed in as ([^<]*)</.exec(res.text)?.[1],
  };
}
