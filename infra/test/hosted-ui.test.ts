import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { only, outputText, synth, synthStack } from './helpers';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
const GOOGLE = { clientId: '1234-abc.apps.googleusercontent.com', clientSecretName: 'prod/google-oauth', clientSecretField: 'client_secret' };

describe('CognitoStack: the Hosted UI domain', () => {
  it('creates a Cognito prefix domain with Managed Login (version 2)', () => {
    synth().hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'my-app-auth',
      UserPoolId: { Ref: 'UserPool' },
      ManagedLoginVersion: 2,
    });
  });

  it("gives the app client Cognito's provided Managed Login style, once the domain exists", () => {
    const branding = only(synth(), 'AWS::Cognito::ManagedLoginBranding');
    assert.deepEqual(branding.Properties, {
      UserPoolId: { Ref: 'UserPool' },
      ClientId: { Ref: 'AppClient' },
      UseCognitoProvidedValues: true,
    });
    assert.deepEqual(branding.DependsOn, ['HostedUiDomain']);
  });

  it('keeps the classic Hosted UI (version 1, no branding) when asked', () => {
    const template = synth({ hostedUi: 'classic' });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'my-app-auth', ManagedLoginVersion: 1 });
    template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 0);
  });

  it('creates a custom domain with its us-east-1 certificate and outputs the alias target', () => {
    const template = synth({ domain: { kind: 'custom', domainName: 'auth.example.com', certificateArn: CERTIFICATE } });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'auth.example.com',
      CustomDomainConfig: { CertificateArn: CERTIFICATE },
      ManagedLoginVersion: 2,
    });
    template.hasOutput('DnsAliasTarget', { Value: { 'Fn::GetAtt': ['HostedUiDomain', 'CloudFrontDistribution'] } });
    assert.match(outputText(template, 'EnvFileProduction'), /^COGNITO_DOMAIN=auth\.example\.com$/m);
  });

  it('warns at synth that a custom domain needs an A record for its parent domain first', () => {
    const { stack } = synthStack({ domain: { kind: 'custom', domainName: 'auth.example.com', certificateArn: CERTIFICATE } });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('example\\.com \\(the parent of auth\\.example\\.com\\) has a DNS A record'));
    Annotations.fromStack(synthStack().stack).hasNoWarning('*', Match.stringLikeRegexp('A record'));
  });

  it('refuses a certificate outside us-east-1, as AWS requires for CloudFront, and a bad prefix', () => {
    assert.throws(
      () => synth({ domain: { kind: 'custom', domainName: 'auth.example.com', certificateArn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/abc' } }),
      /us-east-1/,
    );
    assert.throws(() => synth({ domain: { kind: 'custom', domainName: 'auth.example.com', certificateArn: 'not-an-arn' } }), /ACM certificate ARN/);
    assert.throws(() => synth({ domain: { kind: 'prefix', prefix: 'My_App' } }), /domainPrefix/);
    assert.throws(() => synth({ domain: { kind: 'prefix', prefix: 'my-cognito-app' } }), /domainPrefix/);
  });
});

describe('CognitoStack: the feature plan', () => {
  it('sets the plan explicitly: Essentials unless told otherwise', () => {
    assert.equal(only(synth(), 'AWS::Cognito::UserPool').Properties.UserPoolTier, 'ESSENTIALS');
    assert.equal(only(synth({ featurePlan: 'PLUS' }), 'AWS::Cognito::UserPool').Properties.UserPoolTier, 'PLUS');
  });

  it('accepts Lite with the classic Hosted UI', () => {
    const template = synth({ featurePlan: 'LITE', hostedUi: 'classic' });
    assert.equal(only(template, 'AWS::Cognito::UserPool').Properties.UserPoolTier, 'LITE');
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 1 });
  });

  it('refuses Lite with Managed Login, which needs Essentials or Plus', () => {
    assert.throws(() => synth({ featurePlan: 'LITE' }), /featurePlan LITE has no Managed Login.*ESSENTIALS.*hostedUi=classic/);
  });
});

describe('CognitoStack: Google sign-in', () => {
  it('adds Google as an identity provider with email and name mapped', () => {
    const idp = only(synth({ google: GOOGLE }), 'AWS::Cognito::UserPoolIdentityProvider').Properties;
    assert.equal(idp.ProviderName, 'Google');
    assert.equal(idp.ProviderType, 'Google');
    assert.deepEqual(idp.UserPoolId, { Ref: 'UserPool' });
    assert.deepEqual(idp.AttributeMapping, { email: 'email', email_verified: 'email_verified', name: 'name' });
    const details = idp.ProviderDetails as Record<string, string>;
    assert.equal(details.client_id, GOOGLE.clientId);
    assert.equal(details.authorize_scopes, 'openid email profile');
  });

  it('reads the client secret from Secrets Manager at deploy time: only a dynamic reference is in the template', () => {
    const template = synth({ google: GOOGLE });
    const details = only(template, 'AWS::Cognito::UserPoolIdentityProvider').Properties.ProviderDetails as Record<string, string>;
    assert.equal(details.client_secret, '{{resolve:secretsmanager:prod/google-oauth:SecretString:client_secret::}}');
    const whole = synth({ google: { clientId: GOOGLE.clientId, clientSecretName: 'google-oauth' } }).toJSON();
    assert.equal(
      (Object.values(whole.Resources).find((r: any) => r.Type === 'AWS::Cognito::UserPoolIdentityProvider') as any).Properties.ProviderDetails.client_secret,
      '{{resolve:secretsmanager:google-oauth:SecretString:::}}',
    );
  });

  it('offers Google on the app client, created after the provider, and names it in the outputs', () => {
    const template = synth({ google: GOOGLE });
    const client = only(template, 'AWS::Cognito::UserPoolClient');
    assert.deepEqual(client.Properties.SupportedIdentityProviders, ['COGNITO', 'Google']);
    assert.deepEqual(client.DependsOn, ['GoogleIdentityProvider']);
    template.hasOutput('IdentityProviders', { Value: 'Google' });
    assert.match(outputText(template, 'EnvFileDevelopment'), /^COGNITO_IDENTITY_PROVIDERS=Google$/m);
  });

  it('adds no provider unless asked', () => {
    const template = synth();
    template.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 0);
    assert.doesNotMatch(outputText(template, 'EnvFileDevelopment'), /COGNITO_IDENTITY_PROVIDERS/);
  });
});
