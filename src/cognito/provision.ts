import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
  type SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  buildUserPoolClientInput,
  buildUserPoolInput,
  buildUserPoolMfaConfigInput,
  CLIENT_NAME,
  FIRST_AUTH_FACTORS,
  POOL_NAME,
  type FirstAuthFactor,
  type WebAuthnSettings,
} from './pool-settings';
import type { PoolIds } from './settings';

/** Options of the emulator's pool: where the app mounts the router, and choice-based sign-in. */
export interface EmulatorPoolOptions {
  /** Where the app mounts `cognitoAuth()` (default `/`), for the callback URL. */
  mountPath?: string;
  /**
   * The first factors of choice-based sign-in (`USER_AUTH`); default all three (password, e-mail code,
   * passkey), so a host's tests can try each. Narrow it to match a production pool; an empty list means a
   * pool without choice-based sign-in (no sign-in policy, and the client does not allow `USER_AUTH`).
   */
  firstAuthFactors?: readonly FirstAuthFactor[];
  /** The passkey relying party and user verification; default {@link EMULATOR_WEBAUTHN}. */
  webAuthn?: WebAuthnSettings;
}

/**
 * The emulator's passkey settings unless told otherwise: `localhost` as the relying party, which pages on
 * `http://localhost:<port>` and `http://<name>.localhost:<port>` can both use, and Cognito's default user
 * verification.
 */
export const EMULATOR_WEBAUTHN: Readonly<WebAuthnSettings> = { relyingPartyId: 'localhost', userVerification: 'preferred' };

/** The pool, MFA and client inputs the emulator is provisioned with: pool-settings.ts, with choice-based sign-in on. */
export function emulatorPoolInputs(
  userPoolId: string,
  appBaseUrl: string,
  options: EmulatorPoolOptions = {},
): { pool: CreateUserPoolCommandInput; mfa: SetUserPoolMfaConfigCommandInput; client: CreateUserPoolClientCommandInput } {
  const factors = options.firstAuthFactors ?? FIRST_AUTH_FACTORS;
  const choiceBased = factors.length > 0;
  return {
    pool: buildUserPoolInput(choiceBased ? { firstAuthFactors: factors } : {}),
    mfa: buildUserPoolMfaConfigInput(userPoolId, factors.includes('WEB_AUTHN') ? { webAuthn: { ...EMULATOR_WEBAUTHN, ...options.webAuthn } } : {}),
    client: buildUserPoolClientInput(userPoolId, appBaseUrl, {
      ...(options.mountPath ? { mountPath: options.mountPath } : {}),
      // Both password flows, so that a host's tests pass on either sign-in API (cognito.signInApi).
      authFlows: { adminUserPassword: true, userPassword: true, userAuth: choiceBased },
    }),
  };
}

/**
 * Makes sure the emulator has exactly one pool and one app client with the pool and client settings of pool-settings.ts, creating
 * them on first start and re-applying the settings on every later start. Idempotent: the ids and the
 * client secret never change once created. Never called against real Cognito (that pool is infrastructure).
 *
 * The pool allows choice-based sign-in (password, e-mail code, passkey with `localhost` as the relying
 * party) unless `options` narrow it.
 *
 * @param appBaseUrl - the app's origin, for the client's callback and sign-out URLs.
 */
export async function provisionEmulatorPool(
  client: CognitoIdentityProviderClient,
  appBaseUrl: string,
  options: EmulatorPoolOptions = {},
): Promise<PoolIds> {
  const poolInput = emulatorPoolInputs('', appBaseUrl, options).pool;
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === POOL_NAME)?.Id;
  if (userPoolId) {
    // Sign-in attributes (UsernameAttributes) cannot change after creation, in Cognito as here.
    const { PoolName: _name, UsernameAttributes: _ua, UsernameConfiguration: _uc, ...mutable } = poolInput;
    await client.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...mutable }));
  } else {
    const created = await client.send(new CreateUserPoolCommand(poolInput));
    userPoolId = required(created.UserPool?.Id, 'CreateUserPool returned no pool id');
  }
  // After UpdateUserPool, which (in Cognito as here) resets the MFA mode it is not given.
  const inputs = emulatorPoolInputs(userPoolId, appBaseUrl, options);
  await client.send(new SetUserPoolMfaConfigCommand(inputs.mfa));

  const clientInput = inputs.client;
  const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === CLIENT_NAME)?.ClientId;
  if (clientId) {
    const { GenerateSecret: _secret, ...mutable } = clientInput;
    await client.send(new UpdateUserPoolClientCommand({ ...mutable, ClientId: clientId }));
  } else {
    const created = await client.send(new CreateUserPoolClientCommand(clientInput));
    clientId = required(created.UserPoolClient?.ClientId, 'CreateUserPoolClient returned no client id');
  }
  const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  return { userPoolId, clientId, clientSecret: described.UserPoolClient?.ClientSecret };
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
