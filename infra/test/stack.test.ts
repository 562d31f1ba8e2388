import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import {
  buildUserPoolClientInput,
  buildUserPoolInput,
  OAUTH_SCOPES,
  PASSWORD_POLICY,
  SERVER_IAM_ACTIONS,
  VERIFICATION_EMAIL,
} from '../../src/cognito/pool-settings';
import { only, outputText, synth } from './helpers';

describe('CognitoStack: the user pool', () => {
  it("creates the user pool with exactly the app's pool settings, its MFA settings and the feature plan", () => {
    const { PoolName, ...rest } = buildUserPoolInput();
    assert.deepEqual(only(synth(), 'AWS::Cognito::UserPool').Properties, {
      UserPoolName: PoolName,
      ...rest,
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
    });
  });

  it("carries every one of the pool settings (pool-settings.ts), with MFA optional by authenticator app only", () => {
    synth().hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('keeps the pool on update and delete, and protects it from deletion (a failed first create cannot remove it)', () => {
    const pool = only(synth(), 'AWS::Cognito::UserPool');
    assert.equal(pool.DeletionPolicy, 'RetainExceptOnCreate');
    assert.equal(pool.UpdateReplacePolicy, 'Retain');
    assert.equal(pool.Properties.DeletionProtection, 'ACTIVE');
  });

  it("sends through Cognito's default sender with Cognito's own text unless SES is configured", () => {
    const pool = only(synth(), 'AWS::Cognito::UserPool').Properties;
    assert.deepEqual(pool.EmailConfiguration, { EmailSendingAccount: 'COGNITO_DEFAULT' });
    assert.deepEqual(pool.VerificationMessageTemplate, { DefaultEmailOption: 'CONFIRM_WITH_CODE' });
  });

  it('sends through your SES identity (DEVELOPER) with the app\'s own verification text when SES is configured', () => {
    const pool = only(
      synth({ ses: { fromEmail: 'no-reply@example.com', fromName: 'Example', configurationSet: 'signin-mail' } }),
      'AWS::Cognito::UserPool',
    ).Properties;
    assert.deepEqual(pool.EmailConfiguration, {
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:ap-northeast-1:123456789012:identity/no-reply@example.com']] },
      From: 'Example <no-reply@example.com>',
      ConfigurationSet: 'signin-mail',
    });
    assert.deepEqual(pool.VerificationMessageTemplate, { DefaultEmailOption: 'CONFIRM_WITH_CODE', ...VERIFICATION_EMAIL });
    assert.match(VERIFICATION_EMAIL.EmailMessage, /\{####\}/);
  });

  it("uses the SES domain identity and region you name, and encodes a Japanese sender name", () => {
    const pool = only(
      synth({ ses: { fromEmail: 'no-reply@example.com', fromName: '例のアプリ', region: 'us-east-1', verifiedDomain: 'example.com' } }),
      'AWS::Cognito::UserPool',
    ).Properties;
    const email = pool.EmailConfiguration as { SourceArn: unknown; From: string };
    assert.match(JSON.stringify(email.SourceArn), /:ses:us-east-1:123456789012:identity\/example\.com"/);
    assert.equal(email.From, `=?UTF-8?B?${Buffer.from('例のアプリ').toString('base64')}?= <no-reply@example.com>`);
  });
});

describe('CognitoStack: the app client', () => {
  it("creates the app client with exactly the app's client settings, URLs from AppBaseUrl and the development origin", () => {
    const { UserPoolId: _pool, CallbackURLs: _cb, LogoutURLs: _lo, ...rest } = buildUserPoolClientInput('pool', 'https://x');
    const { UserPoolId, CallbackURLs, LogoutURLs, ...others } = only(synth(), 'AWS::Cognito::UserPoolClient').Properties;
    assert.deepEqual(others, rest);
    assert.deepEqual(UserPoolId, { Ref: 'UserPool' });
    assert.deepEqual(CallbackURLs, [
      { 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/callback']] },
      'http://localhost:3000/callback',
    ]);
    assert.deepEqual(LogoutURLs, [{ 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/']] }, 'http://localhost:3000/']);
  });

  it('leaves the development origin out when there is none', () => {
    const props = only(synth({ devOrigin: undefined }), 'AWS::Cognito::UserPoolClient').Properties;
    assert.deepEqual(props.CallbackURLs, [{ 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/callback']] }]);
    assert.deepEqual(props.LogoutURLs, [{ 'Fn::Join': ['', [{ Ref: 'AppBaseUrl' }, '/']] }]);
  });

  it("carries the client settings of pool-settings.ts and only the auth flows the app uses (no SRP, no custom auth)", () => {
    synth().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
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
  });

  it('allows only https app origins (and http://localhost) as the AppBaseUrl parameter', () => {
    const pattern = new RegExp((synth().toJSON().Parameters.AppBaseUrl as { AllowedPattern: string }).AllowedPattern);
    assert.ok(pattern.test('https://app.example.com'));
    assert.ok(pattern.test('http://localhost:3000'));
    assert.ok(!pattern.test('http://app.example.com'));
    assert.ok(!pattern.test('https://app.example.com/path'));
  });
});

describe('CognitoStack: outputs', () => {
  it("outputs every value of the app's .env, and never the client secret itself", () => {
    const template = synth();
    const expected: Record<string, string> = {
      CognitoRegion: 'ap-northeast-1',
      CognitoUserPoolId: '<UserPool>',
      CognitoClientId: '<AppClient>',
      CognitoDomain: 'my-app-auth.auth.ap-northeast-1.amazoncognito.com',
      AppBaseUrlOut: '<AppBaseUrl>',
      CognitoClientSecretCommand:
        'aws cognito-idp describe-user-pool-client --region ap-northeast-1 --user-pool-id <UserPool> --client-id <AppClient> ' +
        '--query UserPoolClient.ClientSecret --output text',
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(outputText(template, name), value, name);
    for (const name of ['EnvFileDevelopment', 'EnvFileProduction']) {
      assert.match(outputText(template, name), /^COGNITO_USER_POOL_ID=<UserPool>$/m, name);
    }
    assert.ok(!JSON.stringify(template.toJSON()).includes('ClientSecret"]'), 'no Fn::GetAtt of the client secret');
  });

  it('outputs a development .env for the app on localhost against this pool', () => {
    assert.equal(
      outputText(synth(), 'EnvFileDevelopment'),
      [
        '# The app on your machine against this real pool (development mode, http://localhost).',
        'NODE_ENV=development',
        'APP_BASE_URL=http://localhost:3000',
        'COGNITO_REGION=ap-northeast-1',
        'COGNITO_USER_POOL_ID=<UserPool>',
        'COGNITO_CLIENT_ID=<AppClient>',
        'COGNITO_DOMAIN=my-app-auth.auth.ap-northeast-1.amazoncognito.com',
        '# The client secret: the output of the CognitoClientSecretCommand command (never in the stack).',
        'COGNITO_CLIENT_SECRET=',
        '',
      ].join('\n'),
    );
  });

  it('outputs a production .env with the AppBaseUrl origin and a place for the session secret', () => {
    const text = outputText(synth(), 'EnvFileProduction');
    const lines = text.split('\n');
    assert.equal(lines[1], 'NODE_ENV=production');
    assert.ok(lines.includes('APP_BASE_URL=<AppBaseUrl>'));
    for (const name of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'COGNITO_CLIENT_SECRET', 'SESSION_SECRET']) {
      assert.ok(lines.some((line) => line.startsWith(`${name}=`)), name);
    }
  });

  it('puts comments on their own lines only, never after a value (env-file readers keep them)', () => {
    const template = synth({ google: { clientId: 'id.apps.googleusercontent.com', clientSecretName: 'google-oauth' } });
    for (const name of ['EnvFileDevelopment', 'EnvFileProduction']) {
      for (const line of outputText(template, name).split('\n')) {
        assert.match(line, /^(#.*|[A-Z_]+=[^\s#]*|)$/, `${name}: ${line}`);
      }
    }
  });

  it('has no development .env when there is no development origin', () => {
    assert.equal(synth({ devOrigin: undefined }).toJSON().Outputs.EnvFileDevelopment, undefined);
  });
});

/** The IAM-authorized commands (`Admin*`, `Describe*`, `List*`) the package's source sends, outside the emulator-only code. */
/** Operations authorized by the user's access token, not IAM, though their names look like the IAM ones. */
const TOKEN_AUTHORIZED = new Set(['ListWebAuthnCredentials']);

function iamCommandsInSource(): Set<string> {
  const src = path.resolve(__dirname, '../../src');
  const emulatorOnly = new Set(['cognito/provision.ts', 'cognito/emulator.ts', 'cognito/emulator-checks.ts']);
  const used = new Set<string>();
  for (const file of fs.readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    const relative = file.split(path.sep).join('/');
    if (!relative.endsWith('.ts') || emulatorOnly.has(relative) || relative.startsWith('testing/')) continue;
    for (const match of fs.readFileSync(path.join(src, file), 'utf8').matchAll(/new ((?:Admin|Describe|List|GetUserPool)\w+)Command\b/g)) {
      if (TOKEN_AUTHORIZED.has(match[1] as string)) continue;
      used.add(`cognito-idp:${match[1]}`);
    }
  }
  return used;
}

/** The actions of the one statement of AppServerPolicy, checking that it is on this pool only. */
function policyActions(template: ReturnType<typeof synth>): string[] {
  const statements = (only(template, 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
  assert.equal(statements.length, 1);
  assert.equal(statements[0]?.Effect, 'Allow');
  assert.deepEqual(statements[0]?.Resource, { 'Fn::GetAtt': ['UserPool', 'Arn'] });
  return ([] as string[]).concat(statements[0]?.Action as string | string[]);
}

describe('CognitoStack: IAM for the app server', () => {
  it('grants exactly the Admin*/Describe* calls the app makes, on this pool only', () => {
    assert.deepEqual(policyActions(synth()), [
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:AdminGetUser',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:GetUserPoolMfaConfig',
      'cognito-idp:AdminInitiateAuth',
      'cognito-idp:AdminRespondToAuthChallenge',
    ]);
  });

  it("grants, with the default flows, exactly the IAM-authorized commands in the app's source (outside the emulator)", () => {
    const used = iamCommandsInSource();
    assert.ok(used.size > 0, 'found the app source');
    assert.deepEqual(new Set(policyActions(synth())), used);
  });

  it('lists every IAM-authorized command of the source in SERVER_IAM_ACTIONS, the list the policy is built from', () => {
    const listed = new Set<string>(Object.values(SERVER_IAM_ACTIONS).flat());
    for (const action of iamCommandsInSource()) assert.ok(listed.has(action), `${action} is in SERVER_IAM_ACTIONS`);
  });

  it('adds the admin sign-in calls only where the client allows the admin password flow', () => {
    const actions = policyActions(synth({ passwordFlows: { adminUserPassword: true, userPassword: false } }));
    assert.deepEqual(actions, [...SERVER_IAM_ACTIONS.always, 'cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge']);
    assert.deepEqual(policyActions(synth({ passwordFlows: { adminUserPassword: false, userPassword: true } })), [...SERVER_IAM_ACTIONS.always]);
  });

  it('outputs the policy ARN to attach to the app server role', () => {
    synth().hasOutput('AppServerPolicyArn', { Value: Match.objectLike({ Ref: Match.stringLikeRegexp('AppServerPolicy') }) });
  });
});
