import {
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildUserPoolInput, PASSWORD_POLICY } from '../../../src/cognito/pool-settings';
import { emulator, refusal } from './fixtures';
import { answer, createOwnPool, createVerifiedUser, startUserAuth } from './passwordless-fixtures';

describe('The pool settings choice-based sign-in reads (emulator)', () => {
  it('reports the feature plan, Essentials unless the pool was created on another', async () => {
    const essentials = await createOwnPool({});
    const lite = await createOwnPool({ tier: 'LITE' });
    const describe = (id: string) => emulator().client.send(new DescribeUserPoolCommand({ UserPoolId: id }));
    expect((await describe(essentials.userPoolId)).UserPool?.UserPoolTier).to.equal('ESSENTIALS');
    expect((await describe(lite.userPoolId)).UserPool?.UserPoolTier).to.equal('LITE');
  });

  it('refuses choice-based sign-in and its settings on the Lite plan: FeatureUnavailableInTierException', async () => {
    const lite = await createOwnPool({ tier: 'LITE' });
    const user = await createVerifiedUser(lite.clientId, lite.userPoolId);
    expect((await refusal(startUserAuth(lite.clientId, user.email))).name).to.equal('FeatureUnavailableInTierException');
    const input = {
      ...buildUserPoolInput({ firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] }),
      PoolName: `lite-${Date.now()}`,
      UserPoolTier: 'LITE' as const,
    };
    expect((await refusal(emulator().client.send(new CreateUserPoolCommand(input)))).name).to.equal('FeatureUnavailableInTierException');
    const webAuthn = new SetUserPoolMfaConfigCommand({ UserPoolId: lite.userPoolId, WebAuthnConfiguration: { RelyingPartyId: 'localhost' } });
    expect((await refusal(emulator().client.send(webAuthn))).name).to.equal('FeatureUnavailableInTierException');
  });

  it('offers only the first factors the pool allows', async () => {
    const passwordOnly = await createOwnPool({ firstAuthFactors: ['PASSWORD'], webAuthn: { RelyingPartyId: 'localhost' } });
    const user = await createVerifiedUser(passwordOnly.clientId, passwordOnly.userPoolId);
    const select = await startUserAuth(passwordOnly.clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    expect(select.ChallengeName).to.equal('SELECT_CHALLENGE');
    expect(select.AvailableChallenges).to.deep.equal(['PASSWORD']);
    const refused = await refusal(answer(passwordOnly.clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'EMAIL_OTP' }));
    expect(refused.name).to.equal('InvalidParameterException');
  });

  it('treats a pool without a sign-in policy as password only, and an update without one takes it away', async () => {
    const pool = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
    const user = await createVerifiedUser(pool.clientId, pool.userPoolId);
    expect((await startUserAuth(pool.clientId, user.email)).AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
    await emulator().client.send(new UpdateUserPoolCommand({ UserPoolId: pool.userPoolId, Policies: { PasswordPolicy: { ...PASSWORD_POLICY } } }));
    expect((await startUserAuth(pool.clientId, user.email)).AvailableChallenges).to.deep.equal(['PASSWORD']);
  });

  it('keeps the passkey settings of SetUserPoolMfaConfig, reports them in GetUserPoolMfaConfig, and refuses a user verification Cognito lacks', async () => {
    const pool = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] });
    const { client } = emulator();
    const set = await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.userPoolId,
        MfaConfiguration: 'OPTIONAL',
        WebAuthnConfiguration: { RelyingPartyId: 'example.com', UserVerification: 'required' },
      }),
    );
    expect(set.WebAuthnConfiguration).to.deep.equal({ RelyingPartyId: 'example.com', UserVerification: 'required' });
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.userPoolId,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    const got = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId }));
    expect(got.WebAuthnConfiguration, 'left out of an update: kept').to.deep.equal({ RelyingPartyId: 'example.com', UserVerification: 'required' });
    const bad = new SetUserPoolMfaConfigCommand({
      UserPoolId: pool.userPoolId,
      WebAuthnConfiguration: { RelyingPartyId: 'example.com', UserVerification: 'discouraged' as never },
    });
    expect((await refusal(client.send(bad))).name).to.equal('InvalidParameterException');
  });
});
