import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CognitoStack } from '../lib/cognito-stack';
import { DEFAULT_AUTH_FLOWS } from '../../src/cognito/pool-settings';
import { readStackOptions } from '../lib/stack-options';

/** What `cdk synth -c key=value …` gives the stack. */
function fromContext(context: Record<string, string>) {
  return readStackOptions((key) => context[key]);
}

describe('readStackOptions (CDK context)', () => {
  it('requires a domain prefix of your own: there is no shared default that another account may own', () => {
    assert.throws(() => fromContext({}), /domainPrefix is required/);
    assert.throws(() => fromContext({ domainPrefix: '  ' }), /domainPrefix is required/);
  });

  it('defaults to Essentials, Managed Login, http://localhost:3000 for development, the root mount and the admin password flow', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'my-app-auth' }), {
      domain: { kind: 'prefix', prefix: 'my-app-auth' },
      featurePlan: 'ESSENTIALS',
      hostedUi: 'managed-login',
      devOrigin: 'http://localhost:3000',
      ses: undefined,
      google: undefined,
      mountPath: '/',
      afterSignOutTo: '/',
      passwordFlows: { adminUserPassword: DEFAULT_AUTH_FLOWS.adminUserPassword, userPassword: DEFAULT_AUTH_FLOWS.userPassword },
      choiceBasedSignIn: undefined,
      threatProtection: undefined,
      userContextData: false,
      refreshTokenRotation: undefined,
    });
    assert.deepEqual(DEFAULT_AUTH_FLOWS, { adminUserPassword: true, userPassword: false, userAuth: false });
  });

  it('reads the mount path and the path after sign-out, and refuses what the router would refuse', () => {
    const options = fromContext({ domainPrefix: 'p', mountPath: 'account', afterSignOutTo: '/goodbye' });
    assert.equal(options.mountPath, '/account');
    assert.equal(options.afterSignOutTo, '/goodbye');
    assert.equal(fromContext({ domainPrefix: 'p', mountPath: '/shop/account/' }).mountPath, '/shop/account/');
    for (const bad of ['/a b', '/../admin', '/x?y=1', 'https://evil.example/']) {
      assert.throws(() => fromContext({ domainPrefix: 'p', mountPath: bad }), /mountPath .*a path such as \/account/, bad);
    }
    assert.throws(() => fromContext({ domainPrefix: 'p', afterSignOutTo: '//evil.example' }), /afterSignOutTo/);
  });

  it('reads each password flow as true or false, and names anything else', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'p', adminPasswordAuth: 'true', userPasswordAuth: 'FALSE' }).passwordFlows, {
      adminUserPassword: true,
      userPassword: false,
    });
    assert.throws(() => fromContext({ domainPrefix: 'p', adminPasswordAuth: 'yes' }), /adminPasswordAuth "yes": true or false/);
  });

  it('reads choice-based sign-in: the first factors (any case), the passkey relying party and user verification', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'p', firstAuthFactors: 'password, email_otp' }).choiceBasedSignIn, {
      firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'],
    });
    assert.deepEqual(
      fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD,WEB_AUTHN', webAuthnRelyingPartyId: 'App.Example.com' }).choiceBasedSignIn,
      { firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'], webAuthn: { relyingPartyId: 'app.example.com', userVerification: 'preferred' } },
    );
    assert.equal(
      fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD,WEB_AUTHN', webAuthnRelyingPartyId: 'example.com', webAuthnUserVerification: 'required' })
        .choiceBasedSignIn?.webAuthn?.userVerification,
      'required',
    );
  });

  it('refuses an unknown first factor, a passkey without its relying party, and passkey settings without passkeys', () => {
    assert.throws(() => fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD,SMS_OTP' }), /firstAuthFactors "SMS_OTP": one of PASSWORD, EMAIL_OTP, WEB_AUTHN/);
    assert.throws(() => fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD,WEB_AUTHN' }), /needs webAuthnRelyingPartyId/);
    assert.throws(() => fromContext({ domainPrefix: 'p', webAuthnRelyingPartyId: 'example.com' }), /given without firstAuthFactors/);
    assert.throws(
      () => fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD', webAuthnUserVerification: 'required' }),
      /webAuthnUserVerification given, but firstAuthFactors has no WEB_AUTHN/,
    );
    assert.throws(
      () => fromContext({ domainPrefix: 'p', firstAuthFactors: 'PASSWORD,WEB_AUTHN', webAuthnRelyingPartyId: 'example.com', webAuthnUserVerification: 'always' }),
      /webAuthnUserVerification "always": one of preferred, required/,
    );
  });

  it('reads threat protection (off, audit, enforced) and the user-context switch', () => {
    assert.equal(fromContext({ domainPrefix: 'p', threatProtection: 'audit' }).threatProtection, 'AUDIT');
    assert.equal(fromContext({ domainPrefix: 'p', threatProtection: 'ENFORCED' }).threatProtection, 'ENFORCED');
    assert.equal(fromContext({ domainPrefix: 'p', threatProtection: 'off' }).threatProtection, undefined);
    assert.throws(() => fromContext({ domainPrefix: 'p', threatProtection: 'block' }), /threatProtection "block": one of off, audit, enforced/);
    assert.equal(fromContext({ domainPrefix: 'p', userContextData: 'true' }).userContextData, true);
  });

  it('reads refresh-token rotation with a 10-second grace period unless told, from 0 to 60 seconds', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'p', refreshTokenRotation: 'true' }).refreshTokenRotation, { retryGracePeriodSeconds: 10 });
    assert.deepEqual(fromContext({ domainPrefix: 'p', refreshTokenRotation: 'true', refreshTokenGracePeriod: '0' }).refreshTokenRotation, {
      retryGracePeriodSeconds: 0,
    });
    assert.throws(() => fromContext({ domainPrefix: 'p', refreshTokenRotation: 'true', refreshTokenGracePeriod: '61' }), /0 to 60/);
    assert.throws(() => fromContext({ domainPrefix: 'p', refreshTokenRotation: 'true', refreshTokenGracePeriod: '1.5' }), /0 to 60/);
    assert.throws(() => fromContext({ domainPrefix: 'p', refreshTokenGracePeriod: '5' }), /without refreshTokenRotation=true/);
  });

  it('reads a custom domain instead of a prefix', () => {
    const options = fromContext({ customDomain: 'auth.example.com', certificateArn: 'arn:aws:acm:us-east-1:1:certificate/a' });
    assert.deepEqual(options.domain, { kind: 'custom', domainName: 'auth.example.com', certificateArn: 'arn:aws:acm:us-east-1:1:certificate/a' });
  });

  it('reads the feature plan (any case) and the classic Hosted UI, and names a wrong value', () => {
    assert.equal(fromContext({ domainPrefix: 'p', featurePlan: 'plus' }).featurePlan, 'PLUS');
    assert.equal(fromContext({ domainPrefix: 'p', hostedUi: 'classic' }).hostedUi, 'classic');
    assert.throws(() => fromContext({ domainPrefix: 'p', featurePlan: 'FREE' }), /featurePlan "FREE": one of ESSENTIALS, PLUS, LITE/);
    assert.throws(() => fromContext({ domainPrefix: 'p', hostedUi: 'v3' }), /hostedUi "v3": one of managed-login, classic/);
  });

  it('takes another localhost origin for development, or none, and nothing else', () => {
    assert.equal(fromContext({ domainPrefix: 'p', devOrigin: 'http://localhost:8080' }).devOrigin, 'http://localhost:8080');
    assert.equal(fromContext({ domainPrefix: 'p', devOrigin: 'none' }).devOrigin, undefined);
    assert.throws(() => fromContext({ domainPrefix: 'p', devOrigin: 'http://app.example.com' }), /devOrigin/);
  });

  it('reads the SES sender and refuses SES settings without a sender address', () => {
    assert.deepEqual(
      fromContext({ domainPrefix: 'p', sesFromEmail: 'no-reply@example.com', sesConfigurationSet: 'cs', sesRegion: 'us-west-2' }).ses,
      { fromEmail: 'no-reply@example.com', fromName: undefined, configurationSet: 'cs', region: 'us-west-2', verifiedDomain: undefined },
    );
    assert.throws(() => fromContext({ domainPrefix: 'p', sesConfigurationSet: 'cs' }), /sesConfigurationSet given without sesFromEmail/);
    assert.throws(() => fromContext({ domainPrefix: 'p', sesFromEmail: 'nobody' }), /not an e-mail address/);
    assert.throws(
      () => fromContext({ domainPrefix: 'p', sesFromEmail: 'a@example.org', sesVerifiedDomain: 'example.com' }),
      /not in sesVerifiedDomain/,
    );
  });

  it('reads Google from a client id and a Secrets Manager name, and refuses a plaintext client secret', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'p', googleClientId: 'id', googleClientSecretName: 'google-oauth' }).google, {
      clientId: 'id',
      clientSecretName: 'google-oauth',
      clientSecretField: undefined,
    });
    assert.throws(() => fromContext({ domainPrefix: 'p', googleClientId: 'id' }), /both googleClientId and googleClientSecretName/);
    assert.throws(
      () => fromContext({ domainPrefix: 'p', googleClientId: 'id', googleClientSecret: 'GOCSPX-plaintext' }),
      /Secrets Manager/,
    );
  });

  it('synthesizes from context alone, with no plaintext secret anywhere in the template', () => {
    const app = new App({ context: { domainPrefix: 'my-app-auth', googleClientId: 'id', googleClientSecretName: 'google-oauth' } });
    const stack = new CognitoStack(app, 'FromContext', {
      ...readStackOptions((key) => app.node.tryGetContext(key)),
      env: { region: 'ap-northeast-1', account: '123456789012' },
    });
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    assert.ok(text.includes('{{resolve:secretsmanager:google-oauth:SecretString:::}}'));
    assert.ok(!/GOCSPX|client_secret":"(?!\{\{resolve)/.test(text));
  });
});
