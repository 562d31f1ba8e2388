import { Aws, CfnOutput, CfnParameter, Fn, RemovalPolicy, Stack, type StackProps, aws_cognito as cognito, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildUserPoolClientInput, buildUserPoolInput } from '../../src/cognito/pool-settings';
import { userPoolClientProps, userPoolProps } from './cfn-props';

/** How the Hosted UI is reached: a Cognito prefix domain, or your own domain with an ACM certificate. */
export type HostedUiDomain =
  | { kind: 'prefix'; prefix: string }
  | { kind: 'custom'; domainName: string; certificateArn: string };

export interface CognitoStackProps extends StackProps {
  domain: HostedUiDomain;
}

/**
 * Checks a custom domain's certificate before anything is created: Cognito's Hosted UI sits behind
 * CloudFront, so the ACM certificate must be in us-east-1 (the seed's warning), whatever the pool's region.
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

/** The seed's user pool, app client and Hosted UI domain, with every value the app's `.env` needs as outputs. */
export class CognitoStack extends Stack {
  constructor(scope: Construct, id: string, props: CognitoStackProps) {
    super(scope, id, props);
    validateDomain(props.domain);

    const appBaseUrl = new CfnParameter(this, 'AppBaseUrl', {
      type: 'String',
      description: "The app's public origin, e.g. https://app.example.com (http only for localhost)",
      allowedPattern: '^(https://[^/]+|http://localhost(:[0-9]+)?)$',
      constraintDescription: 'an https:// origin without a path (http://localhost is allowed for development)',
    });

    const pool = new cognito.CfnUserPool(this, 'UserPool', userPoolProps(buildUserPoolInput()));
    // People's accounts outlive the stack: deleting the stack leaves the pool (deletion protection is on too).
    pool.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const client = new cognito.CfnUserPoolClient(
      this,
      'AppClient',
      userPoolClientProps(buildUserPoolClientInput(pool.ref, appBaseUrl.valueAsString)),
    );

    let hostedUiDomain: string;
    if (props.domain.kind === 'prefix') {
      new cognito.CfnUserPoolDomain(this, 'HostedUiDomain', { userPoolId: pool.ref, domain: props.domain.prefix });
      hostedUiDomain = `${props.domain.prefix}.auth.${Aws.REGION}.amazoncognito.com`;
    } else {
      const domain = new cognito.CfnUserPoolDomain(this, 'HostedUiDomain', {
        userPoolId: pool.ref,
        domain: props.domain.domainName,
        customDomainConfig: { certificateArn: props.domain.certificateArn },
      });
      hostedUiDomain = props.domain.domainName;
      new CfnOutput(this, 'DnsAliasTarget', {
        description: 'Create an A (alias) record for the custom domain pointing to this CloudFront distribution',
        value: domain.attrCloudFrontDistribution,
      });
    }

    // What the app server needs on AWS for the custom pages: admin password auth, the pool's policy, and
    // (when a password changes or is reset) finding the account and signing it out on every device.
    const appPolicy = new iam.ManagedPolicy(this, 'AppServerPolicy', {
      description: 'Attach to the role the app runs as (custom sign-in pages)',
      statements: [
        new iam.PolicyStatement({
          actions: [
            'cognito-idp:AdminInitiateAuth',
            'cognito-idp:AdminRespondToAuthChallenge',
            'cognito-idp:DescribeUserPool',
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminUserGlobalSignOut',
          ],
          resources: [pool.attrArn],
        }),
      ],
    });

    const outputs: Record<string, { value: string; description: string }> = {
      CognitoRegion: { value: Aws.REGION, description: 'COGNITO_REGION' },
      CognitoUserPoolId: { value: pool.ref, description: 'COGNITO_USER_POOL_ID' },
      CognitoClientId: { value: client.ref, description: 'COGNITO_CLIENT_ID' },
      CognitoDomain: { value: hostedUiDomain, description: 'COGNITO_DOMAIN' },
      AppBaseUrlOut: { value: appBaseUrl.valueAsString, description: 'APP_BASE_URL' },
      // The secret stays out of the outputs (anyone who can read the stack could read it): fetch it once.
      CognitoClientSecretCommand: {
        value: Fn.join('', [
          'aws cognito-idp describe-user-pool-client --region ', Aws.REGION, ' --user-pool-id ', pool.ref,
          ' --client-id ', client.ref, ' --query UserPoolClient.ClientSecret --output text',
        ]),
        description: 'COGNITO_CLIENT_SECRET: run this command to read it',
      },
      AppServerPolicyArn: { value: appPolicy.managedPolicyArn, description: 'IAM policy for the app server role' },
      EnvFile: {
        value: Fn.join('', [
          'NODE_ENV=production\nCOGNITO_REGION=', Aws.REGION, '\nCOGNITO_USER_POOL_ID=', pool.ref,
          '\nCOGNITO_CLIENT_ID=', client.ref, '\nCOGNITO_DOMAIN=', hostedUiDomain,
          '\nAPP_BASE_URL=', appBaseUrl.valueAsString, '\nCOGNITO_CLIENT_SECRET=<see CognitoClientSecretCommand>\n',
        ]),
        description: "The app's .env (add SESSION_SECRET and the client secret)",
      },
    };
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
