import type { HostedUiDomain, StackOptions } from './stack-options';

/**
 * Checks that run before anything is created, so a combination Cognito or CloudFormation would refuse
 * halfway through a deploy (and roll back) stops `cdk synth` instead, with a message naming the keys.
 */

/**
 * Checks a custom domain's certificate: Cognito's Hosted UI sits behind CloudFront, so the ACM certificate
 * must be in us-east-1 (the original walkthrough warns of it too), whatever the pool's region.
 */
export function validateDomain(domain: HostedUiDomain): void {
  if (domain.kind === 'prefix') {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domain.prefix) || /aws|amazon|cognito/.test(domain.prefix)) {
      throw new Error(`domainPrefix "${domain.prefix}": lower-case letters, digits and hyphens, not containing aws, amazon or cognito`);
    }
    return;
  }
  // arn:aws:acm:<region>:<account>:certificate/<id>
  const [, partition, service, region] = domain.certificateArn.split(':');
  if (!partition?.startsWith('aws') || service !== 'acm') {
    throw new Error(`certificateArn "${domain.certificateArn}" is not an ACM certificate ARN`);
  }
  if (region !== 'us-east-1') {
    throw new Error(`certificateArn is in ${region}: a Cognito custom domain needs an ACM certificate in us-east-1 (N. Virginia)`);
  }
}

/** Managed Login (version 2) is part of the Essentials and Plus plans; Lite has only the classic Hosted UI. */
export function validateFeaturePlan(options: Pick<StackOptions, 'featurePlan' | 'hostedUi'>): void {
  if (options.featurePlan === 'LITE' && options.hostedUi === 'managed-login') {
    throw new Error('featurePlan LITE has no Managed Login: use -c featurePlan=ESSENTIALS (or PLUS), or add -c hostedUi=classic');
  }
}

/**
 * What each sign-in setting needs from the pool:
 * - threat protection (`UserPoolAddOns`) is a Plus-plan feature
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-userpooladdons.html);
 * - refresh-token rotation came to the Essentials and Plus plans
 *   (https://aws.amazon.com/about-aws/whats-new/2025/04/amazon-cognito-refresh-token-rotation/);
 * - choice-based sign-in (`SignInPolicy`) needs Essentials or Plus
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-signinpolicy.html),
 *   and keeps the password: CDK's own `AllowedFirstAuthFactors` refuses to switch it off
 *   (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cognito.AllowedFirstAuthFactors.html);
 * - codes by e-mail go out through your SES identity, as for e-mail MFA (see docs/passwordless.md);
 * - a passkey's relying-party ID is a host name of at most 63 characters, as CDK's `UserPool` checks it.
 */
export function validateSignIn(options: StackOptions): void {
  if (options.threatProtection && options.featurePlan !== 'PLUS') {
    throw new Error(`threatProtection needs the Plus plan: add -c featurePlan=PLUS (the pool is ${options.featurePlan})`);
  }
  if (options.refreshTokenRotation && options.featurePlan === 'LITE') {
    throw new Error('refreshTokenRotation needs the Essentials or Plus plan: use -c featurePlan=ESSENTIALS');
  }
  const choice = options.choiceBasedSignIn;
  if (!choice) return;
  if (options.featurePlan === 'LITE') {
    throw new Error('firstAuthFactors (choice-based sign-in) needs the Essentials or Plus plan: use -c featurePlan=ESSENTIALS');
  }
  if (!choice.firstAuthFactors.includes('PASSWORD')) {
    throw new Error('firstAuthFactors must include PASSWORD: Cognito keeps password sign-in on beside the other factors');
  }
  if (choice.firstAuthFactors.includes('EMAIL_OTP') && !options.ses) {
    throw new Error('firstAuthFactors with EMAIL_OTP needs e-mail sent through your SES identity: add -c sesFromEmail=no-reply@example.com');
  }
  const relyingPartyId = choice.webAuthn?.relyingPartyId;
  if (choice.firstAuthFactors.includes('WEB_AUTHN') !== (relyingPartyId !== undefined)) {
    throw new Error('webAuthnRelyingPartyId goes with WEB_AUTHN in firstAuthFactors, and only with it');
  }
  if (relyingPartyId !== undefined && (relyingPartyId.length > 63 || !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(relyingPartyId))) {
    throw new Error(`webAuthnRelyingPartyId "${relyingPartyId}": a host name such as app.example.com (no scheme, port or path; at most 63 characters)`);
  }
}
