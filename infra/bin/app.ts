import { App } from 'aws-cdk-lib';
import { CognitoStack, type HostedUiDomain } from '../lib/cognito-stack';

/**
 * `cdk synth|deploy -c domainPrefix=my-app-auth` (a Cognito prefix domain), or
 * `-c customDomain=auth.example.com -c certificateArn=arn:aws:acm:us-east-1:…` (your own domain).
 * The app's origin is the AppBaseUrl stack parameter: `--parameters AppBaseUrl=https://app.example.com`.
 */
const app = new App();
const customDomain = app.node.tryGetContext('customDomain') as string | undefined;
const domain: HostedUiDomain = customDomain
  ? { kind: 'custom', domainName: customDomain, certificateArn: String(app.node.tryGetContext('certificateArn') ?? '') }
  : { kind: 'prefix', prefix: String(app.node.tryGetContext('domainPrefix')) };

new CognitoStack(app, 'CognitoExpressReference', {
  domain,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Cognito user pool, app client and Hosted UI domain for the Express sign-in reference app',
});
