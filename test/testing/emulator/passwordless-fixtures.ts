import { randomUUID } from 'node:crypto';
import {
  CompleteWebAuthnRegistrationCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  StartWebAuthnRegistrationCommand,
  type CreateUserPoolCommandInput,
  type InitiateAuthCommandOutput,
  type RespondToAuthChallengeCommandOutput,
  type WebAuthnConfigurationType,
} from '@aws-sdk/client-cognito-identity-provider';
import { WebAuthnEmulator, AuthenticatorEmulator, PasskeysCredentialsMemoryRepository } from 'nid-webauthn-emulator';
import { createEmulatorMailbox } from '../../../src/cognito/mailbox';
import { buildUserPoolInput, PASSWORD_POLICY } from '../../../src/cognito/pool-settings';
import { createPasskeyAuthenticator, type PasskeyAuthenticator, type PasskeyRegistrationResponse } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';
import { createTestClient, createUser, emulator, signIn } from './fixtures';

/** The test app's origin (the suite's base URL): `localhost` is its relying party. */
export const ORIGIN = 'http://app.localhost:3000';

/** A client of the suite's pool (all three first factors, `localhost` relying party) that allows USER_AUTH and has no secret. */
export function createUserAuthClient(userPoolId?: string): Promise<string> {
  return createTestClient({
    ...(userPoolId ? { UserPoolId: userPoolId } : {}),
    ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
}

/** A user who confirmed the sign-up with the e-mailed code, so the address is verified and e-mail codes are offered. */
export async function createVerifiedUser(clientId: string, userPoolId = emulator().userPoolId): Promise<{ email: string; password: string }> {
  const user = await createUser(clientId, { confirmed: false });
  const entries = await createEmulatorMailbox(testEmulator().emulator.dir, userPoolId).read();
  const code = entries.find((e) => e.email === user.email && e.kind === 'signup')?.code as string;
  await emulator().client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: user.email, ConfirmationCode: code }));
  return user;
}

/** A pool of the test's own, for settings the suite's pool must keep: its id and a USER_AUTH client of it. */
export async function createOwnPool(settings: {
  tier?: 'LITE' | 'ESSENTIALS' | 'PLUS';
  firstAuthFactors?: string[];
  webAuthn?: WebAuthnConfigurationType;
}): Promise<{ userPoolId: string; clientId: string }> {
  const { client } = emulator();
  const input: CreateUserPoolCommandInput = {
    ...buildUserPoolInput(),
    PoolName: `passwordless-${randomUUID().slice(0, 8)}`,
    Policies: {
      PasswordPolicy: { ...PASSWORD_POLICY },
      ...(settings.firstAuthFactors ? { SignInPolicy: { AllowedFirstAuthFactors: settings.firstAuthFactors as never } } : {}),
    },
    ...(settings.tier ? { UserPoolTier: settings.tier } : {}),
  };
  const created = await client.send(new CreateUserPoolCommand(input));
  const userPoolId = created.UserPool?.Id as string;
  if (settings.webAuthn) {
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: userPoolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
        WebAuthnConfiguration: settings.webAuthn,
      }),
    );
  }
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'own',
      ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  return { userPoolId, clientId: app.UserPoolClient?.ClientId as string };
}

/** InitiateAuth with AuthFlow USER_AUTH. */
export function startUserAuth(clientId: string, username: string, params: Record<string, string> = {}): Promise<InitiateAuthCommandOutput> {
  return emulator().client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: username, ...params } }),
  );
}

/** RespondToAuthChallenge. */
export function answer(
  clientId: string,
  challengeName: string,
  session: string | undefined,
  responses: Record<string, string>,
): Promise<RespondToAuthChallengeCommandOutput> {
  return emulator().client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: challengeName as never, Session: session, ChallengeResponses: responses }),
  );
}

/** The newest e-mailed sign-in code for `email`, from the offline mailbox (what src/cognito/mailbox.ts reads). */
export async function signInCodeFor(email: string, userPoolId = emulator().userPoolId): Promise<string | undefined> {
  const entries = await createEmulatorMailbox(testEmulator().emulator.dir, userPoolId).read();
  return entries.find((e) => e.email === email.toLowerCase() && e.kind === 'sign-in')?.code;
}

/** A software authenticator at the test app's origin. */
export function authenticator(options: { userVerification?: boolean } = {}): PasskeyAuthenticator {
  return createPasskeyAuthenticator({ origin: ORIGIN, ...options });
}

/** Signs `user` in with the password, then registers a passkey of `with` for them. */
export async function registerPasskey(
  clientId: string,
  user: { email: string; password: string },
  withAuthenticator: PasskeyAuthenticator = authenticator(),
): Promise<{ accessToken: string; credentialId: string; authenticator: PasskeyAuthenticator }> {
  const { client } = emulator();
  const { AccessToken } = await signIn(clientId, user);
  const { CredentialCreationOptions } = await client.send(new StartWebAuthnRegistrationCommand({ AccessToken }));
  const credential = withAuthenticator.create(CredentialCreationOptions as object);
  await client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken, Credential: credential as never }));
  return { accessToken: AccessToken, credentialId: credential.id, authenticator: withAuthenticator };
}

/**
 * A client that is not a browser and reports any origin it likes: the authenticator signs for an origin a
 * browser would refuse (WebAuthn's related origins are how the library lets it), as an attacker's relay would.
 */
export function forgingAuthenticator(): {
  create(options: object, origin: string): PasskeyRegistrationResponse;
  get(options: object | string, origin: string): unknown;
} {
  const emulatorOf = new WebAuthnEmulator(new AuthenticatorEmulator({ credentialsRepository: new PasskeysCredentialsMemoryRepository() }));
  return {
    create: (options, origin) => emulatorOf.createJSON(origin, options as never, [origin]) as unknown as PasskeyRegistrationResponse,
    get: (options, origin) => emulatorOf.getJSON(origin, (typeof options === 'string' ? JSON.parse(options) : options) as never, [origin]),
  };
}
