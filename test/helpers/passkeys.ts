/** Passkeys through the pages and straight at the emulator, for the passkeys pages' tests. */
import { InitiateAuthCommand, ListWebAuthnCredentialsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import type { PasskeyAuthenticator } from '../../src/testing';
import { answer, createUserAuthClient, startUserAuth } from '../testing/emulator/passwordless-fixtures';
import type { TestApp } from './app';
import { testEmulator } from './emulator';
import { csrfOf, submit } from './forms';
import { createConfirmedUser } from './users';

type Agent = ReturnType<TestApp['agent']>;
type User = { email: string; password: string };

/** The creation options the ceremony page hands to public/passkeys.js. */
export function creationOptionsOn(html: string): Record<string, unknown> {
  const json = /<script type="application\/json" data-passkey-options>([^<]*)<\/script>/.exec(html)?.[1];
  expect(json, 'creation options on the page').to.be.a('string');
  return JSON.parse(json as string) as Record<string, unknown>;
}

/** A browser signed in with the password as a new user. */
export async function signedIn(t: TestApp): Promise<{ user: User; agent: Agent }> {
  const user = await createConfirmedUser();
  const agent = t.agent();
  expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
  return { user, agent };
}

/** Adds a passkey through the pages: the step-up, the ceremony (the software authenticator), the completion. */
export async function addPasskey(agent: Agent, user: User, authenticator: PasskeyAuthenticator): Promise<string> {
  const started = await submit(agent, '/profile/passkeys', '/profile/passkeys/add', { currentPassword: user.password });
  expect(started.status).to.equal(200);
  const credential = authenticator.create(creationOptionsOn(started.text));
  const done = await agent
    .post('/profile/passkeys/complete')
    .type('form')
    .send({ credential: JSON.stringify(credential), _csrf: csrfOf(started.text) });
  expect(done.status).to.equal(303);
  expect(done.headers.location).to.equal('/profile/passkeys');
  return credential.id;
}

/** The account's passkeys as Cognito (the emulator) has them. */
export async function passkeysAtCognito(user: User): Promise<string[]> {
  const { client } = testEmulator();
  const clientId = await userAuthClient();
  const signedInUser = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  const out = await client.send(new ListWebAuthnCredentialsCommand({ AccessToken: signedInUser.AuthenticationResult?.AccessToken }));
  return (out.Credentials ?? []).map((c) => c.CredentialId as string);
}

/** By user pool: the root hook gives a file a fresh pool once the earlier files filled theirs. */
const userAuthClientIds = new Map<string, Promise<string>>();
/** A client of the suite's pool without a secret that allows USER_AUTH: the passkey sign-in, straight at the emulator. */
function userAuthClient(): Promise<string> {
  const poolId = testEmulator().ids.userPoolId;
  const clientId = userAuthClientIds.get(poolId) ?? createUserAuthClient();
  userAuthClientIds.set(poolId, clientId);
  return clientId;
}

/** Whether `authenticator` signs `email` in with a passkey (USER_AUTH, WEB_AUTHN) at the emulator. */
export async function passkeySignsIn(email: string, authenticator: PasskeyAuthenticator): Promise<boolean> {
  const clientId = await userAuthClient();
  const started = await startUserAuth(clientId, email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
  const options = started.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS;
  if (started.ChallengeName !== 'WEB_AUTHN' || !options) return false;
  let credential: unknown;
  try {
    credential = authenticator.get(options);
  } catch {
    return false; // the authenticator holds none of the passkeys Cognito allows
  }
  const done = await answer(clientId, 'WEB_AUTHN', started.Session, { USERNAME: email, CREDENTIAL: JSON.stringify(credential) }).catch(
    () => undefined,
  );
  return typeof done?.AuthenticationResult?.AccessToken === 'string';
}
