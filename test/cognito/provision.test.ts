import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildUserPoolClientInput, buildUserPoolInput, PASSWORD_POLICY, POOL_NAME } from '../../src/cognito/pool-settings';

/** Pool settings cognito-local accepts but does not report back in DescribeUserPool. */
const EMULATOR_OMITS = ['DeletionProtection'];
import { provisionEmulatorPool } from '../../src/cognito/provision';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';

describe('provisionEmulatorPool (against cognito-local)', () => {
  it('is idempotent: the same pool, client and secret on every start, and only one of each', async () => {
    const { client, ids } = testEmulator();
    const again = await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    expect(again).to.deep.equal(ids);
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.filter((p) => p.Name === POOL_NAME)).to.have.length(1);
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: ids.userPoolId, MaxResults: 60 }));
    expect(clients.UserPoolClients).to.have.length(1);
    expect(ids.clientSecret).to.be.a('string').and.have.length.above(10);
  });

  it("applies the seed's user pool settings", async () => {
    const { client, ids } = testEmulator();
    const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
    expect(pool?.UsernameAttributes, 'email as the username').to.deep.equal(['email']);
    expect(pool?.AdminCreateUserConfig?.AllowAdminCreateUserOnly, 'self sign-up').to.equal(false);
    expect(pool?.AutoVerifiedAttributes, 'email verification').to.deep.equal(['email']);
    expect(pool?.VerificationMessageTemplate?.DefaultEmailOption, 'by code').to.equal('CONFIRM_WITH_CODE');
    expect(pool?.Policies?.PasswordPolicy, 'default password policy').to.deep.equal(PASSWORD_POLICY);
    expect(pool?.MfaConfiguration, 'MFA off').to.equal('OFF');
    expect(pool?.AccountRecoverySetting?.RecoveryMechanisms, 'recovery by email only').to.deep.equal([
      { Name: 'verified_email', Priority: 1 },
    ]);
  });

  it("applies the seed's app client settings, plus admin password auth for the custom pages", async () => {
    const { client, ids } = testEmulator();
    const { UserPoolClient: c } = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }),
    );
    expect(c?.ClientSecret, 'generated secret').to.equal(ids.clientSecret);
    expect(c?.ExplicitAuthFlows).to.include.members(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH']);
    expect(c?.PreventUserExistenceErrors).to.equal('ENABLED');
    expect(c?.EnableTokenRevocation).to.equal(true);
    expect(c?.AllowedOAuthFlowsUserPoolClient).to.equal(true);
    expect(c?.AllowedOAuthFlows).to.deep.equal(['code']);
    expect(c?.AllowedOAuthScopes).to.have.members(['openid', 'email', 'aws.cognito.signin.user.admin']);
    expect(c?.CallbackURLs).to.deep.equal([`${TEST_APP_BASE_URL}/auth/callback`]);
    expect(c?.LogoutURLs).to.deep.equal([`${TEST_APP_BASE_URL}/`]);
  });

  it('applies exactly the values of pool-settings.ts, the module the CDK stack in infra/ deploys from', async () => {
    const { client, ids } = testEmulator();
    const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
    const { PoolName, ...input } = buildUserPoolInput();
    expect(pool?.Name).to.equal(PoolName);
    for (const [key, value] of Object.entries(input)) {
      if (EMULATOR_OMITS.includes(key)) continue;
      expect(pool?.[key as keyof typeof pool], key).to.deep.equal(value);
    }
    const { UserPoolClient: c } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }));
    const { GenerateSecret, ...clientInput } = buildUserPoolClientInput(ids.userPoolId, TEST_APP_BASE_URL);
    expect(GenerateSecret && typeof c?.ClientSecret === 'string').to.equal(true);
    for (const [key, value] of Object.entries(clientInput)) expect(c?.[key as keyof typeof c], key).to.deep.equal(value);
  });

  it('puts back settings that drifted since the last start', async () => {
    const { client, ids } = testEmulator();
    await client.send(
      new UpdateUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    const { UserPoolClient: c } = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }),
    );
    expect(c?.ExplicitAuthFlows).to.include('ALLOW_ADMIN_USER_PASSWORD_AUTH');
  });
});
