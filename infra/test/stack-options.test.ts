import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CognitoStack } from '../lib/cognito-stack';
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

  it('defaults to Essentials, Managed Login and http://localhost:3000 for development', () => {
    assert.deepEqual(fromContext({ domainPrefix: 'my-app-auth' }), {
      domain: { kind: 'prefix', prefix: 'my-app-auth' },
      featurePlan: 'ESSENTIALS',
      hostedUi: 'managed-login',
      devOrigin: 'http://localhost:3000',
      ses: undefined,
      google: undefined,
    });
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
