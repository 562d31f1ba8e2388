import fs from 'node:fs';
import path from 'node:path';
import {
  AssociateSoftwareTokenCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { CLIENT_NAME, PASSWORD_POLICY, POOL_NAME } from '../../src/cognito/pool-settings';
import { emulatorPoolInputs, provisionEmulatorPool } from '../../src/cognito/provision';
import { computeSecretHash } from '../../src/cognito/secret-hash';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';
import { createConfirmedUser } from '../helpers/users';

/** Pool settings cognito-local accepts but does not report back in DescribeUserPool. */
// cognito-local keeps and applies UserAttributeUpdateSettings (lib/targets/updateUserAttributes.js) but leaves
// it out of DescribeUserPool's answer (lib/targets/responses.js), like DeletionProtection.
const EMULATOR_OMITS = ['DeletionProtection', 'UserAttributeUpdateSettings'];

/** InitiateAuth USER_PASSWORD_AUTH against the suite's emulator, as the custom sign-in page sends it. */
async function signInWithPassword(email: string, password: string) {
  const { client, ids } = testEmulator();
  return client.send(
    new InitiateAuthCommand({
      ClientId: ids.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password, SECRET_HASH: computeSecretHash(email, ids.clientId, ids.clientSecret ?? '') },
    }),
  );
}

describe('provisionEmulatorPool (against cognito-local)', () => {
  it('is idempotent: the same pool, client and secret on every start, and only one of each', async () => {
    const { client, ids } = testEmulator();
    const again = await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    expect(again).to.deep.equal(ids);
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.filter((p) => p.Name === POOL_NAME)).to.have.length(1);
    // Other test files of this worker may have added clients of their own to the pool: only the app's counts.
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: ids.userPoolId, MaxResults: 60 }));
    expect(clients.UserPoolClients?.filter((c) => c.ClientName === CLIENT_NAME)).to.have.length(1);
    expect(ids.clientSecret).to.be.a('string').and.have.length.above(10);
  });

  it('applies the user pool settings of pool-settings.ts', async () => {
    const { client, ids } = testEmulator();
    const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
    expect(pool?.UsernameAttributes, 'email as the username').to.deep.equal(['email']);
    expect(pool?.AdminCreateUserConfig?.AllowAdminCreateUserOnly, 'self sign-up').to.equal(false);
    expect(pool?.AutoVerifiedAttributes, 'email verification').to.deep.equal(['email']);
    expect(pool?.VerificationMessageTemplate?.DefaultEmailOption, 'by code').to.equal('CONFIRM_WITH_CODE');
    expect(pool?.Policies?.PasswordPolicy, 'default password policy').to.deep.equal(PASSWORD_POLICY);
    expect(pool?.MfaConfiguration, 'MFA optional').to.equal('OPTIONAL');
    expect(pool?.AccountRecoverySetting?.RecoveryMechanisms, 'recovery by email only').to.deep.equal([{ Name: 'verified_email', Priority: 1 }]);
  });

  it('applies the app client settings of pool-settings.ts: password auth for the custom pages and choice-based sign-in', async () => {
    const { client, ids } = testEmulator();
    const { UserPoolClient: c } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }));
    expect(c?.ClientSecret, 'generated secret').to.equal(ids.clientSecret);
    expect(c?.ExplicitAuthFlows).to.include.members(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    expect(
      c?.ExplicitAuthFlows,
      'only the flows the app uses: both password flows (cognito.signInApi admin and public) and choice-based sign-in',
    ).to.have.members(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH']);
    expect(c?.PreventUserExistenceErrors).to.equal('ENABLED');
    expect(c?.EnableTokenRevocation).to.equal(true);
    expect(c?.AllowedOAuthFlowsUserPoolClient).to.equal(true);
    expect(c?.AllowedOAuthFlows).to.deep.equal(['code']);
    expect(c?.AllowedOAuthScopes).to.have.members(['openid', 'email', 'aws.cognito.signin.user.admin']);
    expect(c?.CallbackURLs).to.deep.equal([`${TEST_APP_BASE_URL}/callback`]);
    expect(c?.LogoutURLs).to.deep.equal([`${TEST_APP_BASE_URL}/`]);
  });

  it('applies exactly the values of pool-settings.ts, the module the CDK stack in infra/ deploys from', async () => {
    const { client, ids } = testEmulator();
    const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
    const inputs = emulatorPoolInputs(ids.userPoolId, TEST_APP_BASE_URL);
    const { PoolName, ...input } = inputs.pool;
    expect(pool?.Name).to.equal(PoolName);
    for (const [key, value] of Object.entries(input)) {
      if (EMULATOR_OMITS.includes(key)) continue;
      expect(pool?.[key as keyof typeof pool], key).to.deep.equal(value);
    }
    const { UserPoolClient: c } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }));
    const { GenerateSecret, ...clientInput } = inputs.client;
    expect(GenerateSecret && typeof c?.ClientSecret === 'string').to.equal(true);
    for (const [key, value] of Object.entries(clientInput)) expect(c?.[key as keyof typeof c], key).to.deep.equal(value);
    const { UserPoolId: _id, ...mfa } = inputs.mfa;
    const applied = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId }));
    expect({
      MfaConfiguration: applied.MfaConfiguration,
      SoftwareTokenMfaConfiguration: applied.SoftwareTokenMfaConfiguration,
      WebAuthnConfiguration: applied.WebAuthnConfiguration,
    }).to.deep.equal(mfa);
  });

  it('allows all three first factors by default, with localhost as the passkey relying party', async () => {
    const { client, ids } = testEmulator();
    const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
    expect(pool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).to.deep.equal(['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN']);
    expect(pool?.UserPoolTier, "Cognito's default plan").to.equal('ESSENTIALS');
    const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId }));
    expect(mfa.WebAuthnConfiguration).to.deep.equal({ RelyingPartyId: 'localhost', UserVerification: 'preferred' });
  });

  it('narrows the first factors when told to, and without any leaves choice-based sign-in off', async () => {
    const { client, ids } = testEmulator();
    try {
      await provisionEmulatorPool(client, TEST_APP_BASE_URL, { firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
      const narrowed = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
      expect(narrowed.UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);

      await provisionEmulatorPool(client, TEST_APP_BASE_URL, { firstAuthFactors: [] });
      const off = await client.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId }));
      expect(off.UserPool?.Policies?.SignInPolicy, 'no sign-in policy: the password only').to.equal(undefined);
      const { UserPoolClient: c } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }));
      expect(c?.ExplicitAuthFlows).not.to.include('ALLOW_USER_AUTH');
    } finally {
      await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    }
  });

  it('sets MFA optional with TOTP only: a user who switched an authenticator app on gets the SOFTWARE_TOKEN_MFA step', async () => {
    const { client } = testEmulator();
    const user = await createConfirmedUser();
    const first = await signInWithPassword(user.email, user.password);
    expect(first.ChallengeName, 'no second step before TOTP is on').to.equal(undefined);
    const accessToken = first.AuthenticationResult?.AccessToken;
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    const code = new TOTP({ secret: Secret.fromBase32(SecretCode ?? '') }).generate();
    await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code }));

    const second = await signInWithPassword(user.email, user.password);
    expect(second.ChallengeName).to.equal('SOFTWARE_TOKEN_MFA');
    expect(second.AuthenticationResult, 'no tokens before the code').to.equal(undefined);
    const withoutTotp = await createConfirmedUser();
    const other = await signInWithPassword(withoutTotp.email, withoutTotp.password);
    expect(other.ChallengeName, 'optional: users without TOTP sign in with the password alone').to.equal(undefined);
  });

  // These two change the suite's shared pool: provisioning again in `finally` puts it back for every later
  // test even when the assertion (or provisioning itself) fails.
  it('puts back settings that drifted since the last start', async () => {
    const { client, ids } = testEmulator();
    try {
      await client.send(
        new UpdateUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }),
      );
      await provisionEmulatorPool(client, TEST_APP_BASE_URL);
      const { UserPoolClient: c } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: ids.clientId }));
      expect(c?.ExplicitAuthFlows).to.include('ALLOW_USER_PASSWORD_AUTH');
    } finally {
      await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    }
  });

  it('puts back the MFA mode after it drifted', async () => {
    const { client, ids } = testEmulator();
    try {
      await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId, MfaConfiguration: 'OFF' }));
      await provisionEmulatorPool(client, TEST_APP_BASE_URL);
      const applied = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: ids.userPoolId }));
      expect(applied.MfaConfiguration).to.equal('OPTIONAL');
    } finally {
      await provisionEmulatorPool(client, TEST_APP_BASE_URL);
    }
  });
});

describe('docker-compose.yml', () => {
  it('runs the same cognito-local version as the tests, not :latest', () => {
    const root = path.resolve(__dirname, '../..');
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/cognito-local/package.json'), 'utf8')) as { version: string };
    const image = /image: jagregory\/cognito-local:(\S+)/.exec(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'))?.[1];
    expect(image).to.equal(version);
  });
});
