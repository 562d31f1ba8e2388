import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildUserPoolClientInput, buildUserPoolInput, OAUTH_SCOPES, PASSWORD_POLICY } from '../../src/cognito/pool-settings';
import { CognitoStack, type HostedUiDomain } from '../lib/cognito-stack';

function synth(domain: HostedUiDomain = { kind: 'prefix', prefix: 'my-app-auth' }): Template {
  const app = new App();
  return Template.fromStack(new CognitoStack(app, 'Test', { domain, env: { region: 'ap-northeast-1', account: '123456789012' } }));
}

function only(template: Template, type: string): { Properties: Record<string, unknown>; DeletionPolicy?: string } {
  const found = Object.values(template.findResources(type));
  assert.equal(found.length, 1, `one ${type}`);
  return found[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string };
}

describe('CognitoStack', () => {
  it("creates the user pool with exactly the app's pool settings (the emulator's source of truth)", () => {
    const { PoolName, ...rest } = buildUserPoolInput();
    assert.deepEqual(only(synth(), 'AWS::Cognito::UserPool').Properties, { UserPoolName: PoolName, ...rest });
  });

  it("creates the app client with exactly the app's client settings, URLs from the AppBaseUrl parameter", () => {
    const { UserPoolId: _pool, CallbackURLs: _cb, LogoutURLs: _lo, ...rest } = buildUserPoolClientInput('pool', 'https://x');
    const props = only(synth(), 'AWS::Cognito::UserPoolClient').Properties;
    const { UserPoolId, CallbackURLs, LogoutURLs, ...others } = props;
    assert.deepEqual(others, rest);
    assert.deepEqual(UserPoolId, { Ref: 'UserPool' });
    assert.deepEqual(CallbackURLs, [{ 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/auth/callback']] }]);
    assert.deepEqual(LogoutURLs, [{ 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/']] }]);
  });

  it("carries every one of the seed's console settings", () => {
    const template = synth();
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
      MfaConfiguration: 'OFF',
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailMessage: Match.stringLikeRegexp('\\{####\\}') },
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      DeletionProtection: 'ACTIVE',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: [...OAUTH_SCOPES],
      SupportedIdentityProviders: ['COGNITO'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
    });
    assert.equal(only(template, 'AWS::Cognito::UserPool').DeletionPolicy, 'Retain');
  });

  it('allows only https app origins (and http://localhost) as the AppBaseUrl parameter', () => {
    const pattern = new RegExp((synth().toJSON().Parameters.AppBaseUrl as { AllowedPattern: string }).AllowedPattern);
    assert.ok(pattern.test('https://app.example.com'));
    assert.ok(pattern.test('http://localhost:3000'));
    assert.ok(!pattern.test('http://app.example.com'));
    assert.ok(!pattern.test('https://app.example.com/path'));
  });

  it('creates a Cognito prefix domain', () => {
    synth({ kind: 'prefix', prefix: 'my-app-auth' }).hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'my-app-auth',
      UserPoolId: { Ref: 'UserPool' },
    });
  });

  it('creates a custom domain with its us-east-1 certificate and outputs the alias target', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    const template = synth({ kind: 'custom', domainName: 'auth.example.com', certificateArn: arn });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: arn } });
    template.hasOutput('DnsAliasTarget', {});
  });

  it('refuses a certificate outside us-east-1, as the seed warns, and a bad prefix', () => {
    assert.throws(
      () => synth({ kind: 'custom', domainName: 'auth.example.com', certificateArn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/abc' }),
      /us-east-1/,
    );
    assert.throws(() => synth({ kind: 'custom', domainName: 'auth.example.com', certificateArn: 'not-an-arn' }), /ACM certificate ARN/);
    assert.throws(() => synth({ kind: 'prefix', prefix: 'My_App' }), /domainPrefix/);
    assert.throws(() => synth({ kind: 'prefix', prefix: 'my-cognito-app' }), /domainPrefix/);
  });

  it("outputs every value of the app's .env, and never the client secret itself", () => {
    const template = synth();
    for (const name of ['CognitoRegion', 'CognitoUserPoolId', 'CognitoClientId', 'CognitoDomain', 'AppBaseUrlOut', 'CognitoClientSecretCommand', 'EnvFile']) {
      template.hasOutput(name, {});
    }
    const text = JSON.stringify(template.toJSON());
    assert.ok(!text.includes('ClientSecret"]'), 'no Fn::GetAtt of the client secret');
    const env = JSON.stringify(template.toJSON().Outputs.EnvFile);
    for (const variable of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'APP_BASE_URL', 'COGNITO_CLIENT_SECRET']) {
      assert.ok(env.includes(variable), variable);
    }
  });

  it('grants the app server only admin sign-in, DescribeUserPool, and finding and globally signing out a user on this pool', () => {
    synth().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: [
              'cognito-idp:AdminInitiateAuth',
              'cognito-idp:AdminRespondToAuthChallenge',
              'cognito-idp:DescribeUserPool',
              'cognito-idp:AdminGetUser',
              'cognito-idp:AdminUserGlobalSignOut',
            ],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': ['UserPool', 'Arn'] },
          },
        ],
      },
    });
  });
});
