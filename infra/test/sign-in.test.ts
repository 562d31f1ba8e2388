import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { callbackUrlFor, createMountUrls } from '../../src/urls/mount-urls';
import { only, outputText, renderValue, synth, synthStack } from './helpers';

const SES = { fromEmail: 'no-reply@example.com' };
const PASSKEYS = { firstAuthFactors: ['PASSWORD' as const, 'WEB_AUTHN' as const], webAuthn: { relyingPartyId: 'app.example.com', userVerification: 'required' as const } };

function client(options: Parameters<typeof synth>[0] = {}) {
  return only(synth(options), 'AWS::Cognito::UserPoolClient').Properties;
}

function pool(options: Parameters<typeof synth>[0] = {}) {
  return only(synth(options), 'AWS::Cognito::UserPool').Properties;
}

describe('CognitoStack: callback and sign-out URLs where the router is mounted', () => {
  it('registers <origin>/account/callback for a router at /account, for the app and the development origin', () => {
    const { CallbackURLs, LogoutURLs } = client({ mountPath: '/account', afterSignOutTo: '/goodbye' });
    assert.deepEqual((CallbackURLs as unknown[]).map(renderValue), ['<AppBaseUrl>/account/callback', 'http://localhost:3000/account/callback']);
    assert.deepEqual((LogoutURLs as unknown[]).map(renderValue), ['<AppBaseUrl>/goodbye', 'http://localhost:3000/goodbye']);
  });

  it('registers exactly the redirect_uri the router sends when mounted there (no redirect_mismatch)', () => {
    for (const mountPath of ['/', '/account', '/shop/account/']) {
      const router = createMountUrls({ baseUrl: 'http://localhost:3000', mountPath, customPages: true });
      const registered = (client({ mountPath }).CallbackURLs as unknown[]).map(renderValue);
      assert.ok(registered.includes(router.callbackUrl), `${mountPath}: ${router.callbackUrl} in ${registered.join(' ')}`);
      assert.equal(callbackUrlFor('http://localhost:3000', mountPath), router.callbackUrl);
    }
  });

  it('outputs the URLs the client accepts, to compare with what the app sends', () => {
    const template = synth({ mountPath: '/account' });
    assert.equal(outputText(template, 'CallbackUrls'), '<AppBaseUrl>/account/callback,http://localhost:3000/account/callback');
    assert.equal(outputText(template, 'SignOutUrls'), '<AppBaseUrl>/,http://localhost:3000/');
  });
});

describe('CognitoStack: the sign-in flows of the app client', () => {
  it("allows the package's default flow: the admin password flow, no public one, no choice-based sign-in", () => {
    assert.deepEqual(client().ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH']);
  });

  it('allows the public password flow (cognito.signInApi public) only when told, and drops the admin one when told', () => {
    assert.deepEqual(client({ passwordFlows: { adminUserPassword: false, userPassword: true } }).ExplicitAuthFlows, [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
    ]);
    assert.deepEqual(client({ passwordFlows: { adminUserPassword: true, userPassword: true } }).ExplicitAuthFlows, [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
    ]);
  });

  it('allows USER_AUTH only with choice-based sign-in', () => {
    assert.deepEqual(client({ choiceBasedSignIn: { firstAuthFactors: ['PASSWORD'] } }).ExplicitAuthFlows, [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_USER_AUTH',
    ]);
  });

  it('warns at synth when the client allows no server-side sign-in flow at all', () => {
    const { stack } = synthStack({ passwordFlows: { adminUserPassword: false, userPassword: false } });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('no server-side sign-in flow'));
    Annotations.fromStack(synthStack().stack).hasNoWarning('*', Match.stringLikeRegexp('no server-side sign-in flow'));
  });
});

describe('CognitoStack: choice-based sign-in (passwords, e-mail codes, passkeys)', () => {
  it('sets the first factors, the passkey relying party and user verification on the pool, on the Essentials plan', () => {
    const props = pool({ choiceBasedSignIn: PASSKEYS });
    assert.deepEqual((props.Policies as Record<string, unknown>).SignInPolicy, { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] });
    assert.equal(props.WebAuthnRelyingPartyID, 'app.example.com');
    assert.equal(props.WebAuthnUserVerification, 'required');
    assert.equal(props.UserPoolTier, 'ESSENTIALS');
  });

  it('sets e-mail codes as a first factor when the pool sends through SES', () => {
    const props = pool({ ses: SES, choiceBasedSignIn: { firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } });
    assert.deepEqual((props.Policies as Record<string, unknown>).SignInPolicy, { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
    assert.equal(props.WebAuthnRelyingPartyID, undefined);
  });

  it('sets no sign-in policy and no passkey settings unless asked', () => {
    const props = pool();
    assert.deepEqual(Object.keys(props.Policies as object), ['PasswordPolicy']);
    for (const key of ['WebAuthnRelyingPartyID', 'WebAuthnUserVerification', 'UserPoolAddOns']) assert.equal(props[key], undefined, key);
  });

  it('refuses what Cognito would refuse mid-deploy: Lite, no password, e-mail codes without SES, a bad relying party', () => {
    assert.throws(() => synth({ featurePlan: 'LITE', hostedUi: 'classic', choiceBasedSignIn: PASSKEYS }), /Essentials or Plus/);
    assert.throws(() => synth({ choiceBasedSignIn: { firstAuthFactors: ['EMAIL_OTP'] }, ses: SES }), /must include PASSWORD/);
    assert.throws(() => synth({ choiceBasedSignIn: { firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } }), /EMAIL_OTP needs .*sesFromEmail/);
    for (const relyingPartyId of ['https://app.example.com', 'app.example.com:3000', `${'a'.repeat(60)}.com`]) {
      assert.throws(() => synth({ choiceBasedSignIn: { ...PASSKEYS, webAuthn: { ...PASSKEYS.webAuthn, relyingPartyId } } }), /webAuthnRelyingPartyId/);
    }
    assert.throws(() => synth({ choiceBasedSignIn: { firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } }), /webAuthnRelyingPartyId goes with WEB_AUTHN/);
  });
});

describe('CognitoStack: threat protection and the visitor context', () => {
  it('sets threat protection to audit or enforced on the Plus plan', () => {
    assert.deepEqual(pool({ featurePlan: 'PLUS', threatProtection: 'AUDIT' }).UserPoolAddOns, { AdvancedSecurityMode: 'AUDIT' });
    assert.deepEqual(pool({ featurePlan: 'PLUS', threatProtection: 'ENFORCED' }).UserPoolAddOns, { AdvancedSecurityMode: 'ENFORCED' });
  });

  it('refuses threat protection below the Plus plan', () => {
    assert.throws(() => synth({ threatProtection: 'AUDIT' }), /threatProtection needs the Plus plan/);
  });

  it('lets the app pass the visitor context (EnablePropagateAdditionalUserContextData) only when asked', () => {
    assert.equal(client({ userContextData: true }).EnablePropagateAdditionalUserContextData, true);
    assert.equal(client().EnablePropagateAdditionalUserContextData, undefined);
  });
});

describe('CognitoStack: refresh-token rotation', () => {
  it('turns rotation on with its grace period when asked, and leaves it off otherwise', () => {
    assert.deepEqual(client({ refreshTokenRotation: { retryGracePeriodSeconds: 10 } }).RefreshTokenRotation, {
      Feature: 'ENABLED',
      RetryGracePeriodSeconds: 10,
    });
    assert.deepEqual(client({ refreshTokenRotation: { retryGracePeriodSeconds: 0 } }).RefreshTokenRotation, {
      Feature: 'ENABLED',
      RetryGracePeriodSeconds: 0,
    });
    assert.equal(client().RefreshTokenRotation, undefined);
  });

  it('drops ALLOW_REFRESH_TOKEN_AUTH with rotation, which AWS says cannot be used together', () => {
    assert.deepEqual(client({ refreshTokenRotation: { retryGracePeriodSeconds: 10 } }).ExplicitAuthFlows, ['ALLOW_ADMIN_USER_PASSWORD_AUTH']);
  });

  it('refuses rotation on the Lite plan', () => {
    assert.throws(() => synth({ featurePlan: 'LITE', hostedUi: 'classic', refreshTokenRotation: { retryGracePeriodSeconds: 10 } }), /Essentials or Plus/);
  });
});

describe('CognitoStack: what the deployer needs', () => {
  it('says at synth which region the stack deploys to', () => {
    Annotations.fromStack(synthStack().stack).hasInfo('*', Match.stringLikeRegexp('deploys to ap-northeast-1 '));
  });

  it("says at synth that SES sending needs Cognito's service-linked role (iam:CreateServiceLinkedRole)", () => {
    Annotations.fromStack(synthStack({ ses: SES }).stack).hasInfo('*', Match.stringLikeRegexp('iam:CreateServiceLinkedRole'));
    Annotations.fromStack(synthStack().stack).hasNoInfo('*', Match.stringLikeRegexp('iam:CreateServiceLinkedRole'));
  });
});
