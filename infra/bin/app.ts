import { App } from 'aws-cdk-lib';
import { CognitoStack } from '../lib/cognito-stack';
import { readStackOptions } from '../lib/stack-options';

/**
 * `cdk deploy -c domainPrefix=my-app-auth` (a Cognito prefix domain, required unless you bring your own:
 * `-c customDomain=auth.example.com -c certificateArn=arn:aws:acm:us-east-1:…`). The other context values
 * (feature plan, classic Hosted UI, SES, Google, development origin) are listed in `lib/stack-options.ts`
 * and docs/real-cognito.md. The app's origin is the AppBaseUrl stack parameter:
 * `--parameters AppBaseUrl=https://app.example.com`.
 */
const app = new App();
try {
  new CognitoStack(app, 'CognitoExpressReference', {
    ...readStackOptions((key) => app.node.tryGetContext(key)),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'Cognito user pool, app client and Hosted UI domain for the Express sign-in reference app',
  });
} catch (err) {
  // A setting to fix, not a bug: its message alone, without a stack trace.
  console.error(`Cannot synthesize the stack: ${(err as Error).message}`);
  process.exit(1);
}
