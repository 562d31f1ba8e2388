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
} from '@aws-sdk/client-cognito-identity-provider';
import { buildUserPoolClientInput, buildUserPoolInput, buildUserPoolMfaConfigInput, CLIENT_NAME, POOL_NAME } from './pool-settings';
import type { PoolIds } from './settings';

/**
 * Makes sure the emulator has exactly one pool and one app client with the pool and client settings of pool-settings.ts, creating
 * them on first start and re-applying the settings on every later start. Idempotent: the ids and the
 * client secret never change once created. Never called against real Cognito (that pool is infrastructure).
 *
 * @param appBaseUrl - the app's origin, for the client's callback and sign-out URLs.
 * @param options.mountPath - where the app mounts `cognitoAuth()` (default `/`), for the callback URL.
 */
export async function provisionEmulatorPool(
  client: CognitoIdentityProviderClient,
  appBaseUrl: string,
  options: { mountPath?: string } = {},
): Promise<PoolIds> {
  const poolInput = buildUserPoolInput();
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
  await client.send(new SetUserPoolMfaConfigCommand(buildUserPoolMfaConfigInput(userPoolId)));

  const clientInput = buildUserPoolClientInput(userPoolId, appBaseUrl, options.mountPath ? { mountPath: options.mountPath } : {});
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
