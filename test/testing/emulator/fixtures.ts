import { randomUUID } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { advanceEmulatorClock, resetEmulatorClock, totpCode } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';

/** A password that meets the pool's policy. */
export const PASSWORD = 'Passw0rd!Layer';

/** The suite's emulator: its SDK client, pool id and URL. */
export function emulator(): { client: CognitoIdentityProviderClient; userPoolId: string; url: string } {
  const { client, ids, emulator: running } = testEmulator();
  return { client, userPoolId: ids.userPoolId, url: running.url };
}

/**
 * An app client of the layer tests' own in the suite's pool, without a secret (so no SECRET_HASH), so
 * settings such as refresh-token rotation never touch the client the rest of the suite uses.
 */
export async function createTestClient(extra: Partial<CreateUserPoolClientCommandInput> = {}): Promise<string> {
  const { client, userPoolId } = emulator();
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: `layer-test-${randomUUID().slice(0, 6)}`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      ...extra,
    }),
  );
  return created.UserPoolClient?.ClientId as string;
}

/** A user that signed up through `clientId`; confirmed unless told otherwise. */
export async function createUser(clientId: string, options: { confirmed?: boolean } = {}): Promise<{ email: string; password: string }> {
  const { client, userPoolId } = emulator();
  const email = `layer-${randomUUID().slice(0, 8)}@example.com`;
  await client.send(
    new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  if (options.confirmed !== false) await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
  return { email, password: PASSWORD };
}

/** USER_PASSWORD_AUTH for a user without a second step: the tokens. */
export async function signIn(
  clientId: string,
  user: { email: string; password: string },
): Promise<Required<Pick<AuthenticationResultType, 'AccessToken' | 'IdToken' | 'RefreshToken'>>> {
  const { client } = emulator();
  const res = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  const tokens = res.AuthenticationResult;
  expect(tokens?.RefreshToken, 'a refresh token').to.be.a('string');
  return tokens as Required<Pick<AuthenticationResultType, 'AccessToken' | 'IdToken' | 'RefreshToken'>>;
}

/** Switches an authenticator app on for the signed-in user; resolves with its Base32 secret. */
export async function turnOnTotp(accessToken: string, client = emulator().client): Promise<string> {
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  const secret = SecretCode as string;
  await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(secret) }));
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  return secret;
}

/** The rejection of `promise`: its exception name and message. Fails when it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected Cognito to refuse the call, and it answered');
}

/** Moves the suite emulator's clock; {@link resetClockAfterEach} puts it back. */
export function advanceClock(seconds: number): Promise<void> {
  return advanceEmulatorClock(emulator().url, seconds);
}

/** Mocha hook: the emulator's clock back to real time after every test of the block. */
export function resetClockAfterEach(): void {
  afterEach(() => resetEmulatorClock(emulator().url));
}
