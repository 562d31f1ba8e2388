import {
  Annotations,
  Aws,
  CfnOutput,
  CfnParameter,
  Fn,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Token,
  aws_cognito as cognito,
  aws_iam as iam,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  buildUserPoolClientInput,
  buildUserPoolInput,
  buildUserPoolMfaConfigInput,
  DEFAULT_AUTH_FLOWS,
  serverIamActions,
  type AuthFlowSettings,
  type SesEmailSender,
} from '../../src/cognito/pool-settings';
import { userPoolClientProps, userPoolMfaProps, userPoolProps } from './cfn-props';
import { developmentEnvFile, productionEnvFile, type PoolEnv } from './env-files';
import type { GoogleOptions, SesOptions, StackOptions } from './stack-options';
import { validateDomain, validateFeaturePlan, validateSignIn } from './validate-options';

export type { HostedUiDomain } from './stack-options';

export interface CognitoStackProps extends StackProps, StackOptions {}

/** The provider name Cognito gives Google; the app's IdP button setting uses the same name. */
export const GOOGLE_PROVIDER_NAME = 'Google';

/** The sign-in flows the client allows: the password flows as configured, `USER_AUTH` with choice-based sign-in. */
export function authFlowsOf(options: Pick<StackOptions, 'passwordFlows' | 'choiceBasedSignIn'>): AuthFlowSettings {
  const password = options.passwordFlows ?? DEFAULT_AUTH_FLOWS;
  return { adminUserPassword: password.adminUserPassword, userPassword: password.userPassword, userAuth: options.choiceBasedSignIn !== undefined };
}

/** The app's user pool, app client and Hosted UI domain, with every value the app's `.env` needs as outputs. */
export class CognitoStack extends Stack {
  constructor(scope: Construct, id: string, props: CognitoStackProps) {
    super(scope, id, props);
    validateDomain(props.domain);
    validateFeaturePlan(props);
    validateSignIn(props);
    const authFlows = authFlowsOf(props);
    // The CDK CLI takes the region from AWS_REGION or the profile, and falls back to us-east-1 silently.
    Annotations.of(this).addInfo(
      Token.isUnresolved(this.region)
        ? 'No region: the stack deploys to the region of your AWS profile (AWS_REGION overrides it; us-east-1 if neither is set).'
        : `The stack deploys to ${this.region} (AWS_REGION, or your AWS profile's region; us-east-1 if neither is set).`,
    );

    const appBaseUrl = new CfnParameter(this, 'AppBaseUrl', {
      type: 'String',
      description: "The app's public origin, e.g. https://app.example.com (http only for localhost)",
      allowedPattern: '^(https://[^/]+|http://localhost(:[0-9]+)?)$',
      constraintDescription: 'an https:// origin without a path (http://localhost is allowed for development)',
    });

    const pool = new cognito.CfnUserPool(this, 'UserPool', {
      ...userPoolProps(
        buildUserPoolInput({
          sesSender: props.ses && this.sesSender(props.ses),
          firstAuthFactors: props.choiceBasedSignIn?.firstAuthFactors,
          threatProtection: props.threatProtection,
        }),
      ),
      ...userPoolMfaProps(buildUserPoolMfaConfigInput('', { webAuthn: props.choiceBasedSignIn?.webAuthn })),
      userPoolTier: props.featurePlan,
    });
    // People's accounts outlive the stack: kept on delete and on replacement. CloudFormation would delete it
    // when its own creation rolls back, but deletion protection (on, from pool-settings.ts) refuses that:
    // a failed first deploy ends in ROLLBACK_FAILED, and docs/real-cognito.md gives the way out.
    pool.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    if (props.ses) {
      Annotations.of(this).addInfo(
        'Cognito sends through SES with its service-linked role AWSServiceRoleForAmazonCognitoIdpEmailService: ' +
          'the first deploy that sets it up needs iam:CreateServiceLinkedRole (docs/real-cognito.md, "Who may deploy").',
      );
    }

    const google = props.google && this.googleProvider(pool, props.google);
    const client = new cognito.CfnUserPoolClient(
      this,
      'AppClient',
      userPoolClientProps(
        buildUserPoolClientInput(pool.ref, appBaseUrl.valueAsString, {
          otherOrigins: props.devOrigin ? [props.devOrigin] : [],
          identityProviders: google ? [GOOGLE_PROVIDER_NAME] : [],
          mountPath: props.mountPath,
          afterSignOutTo: props.afterSignOutTo,
          authFlows,
          refreshTokenRotation: props.refreshTokenRotation,
          propagateUserContextData: props.userContextData,
        }),
      ),
    );
    // The client may name the provider only once it exists.
    if (google) client.addResourceDependency(google);
    if (!authFlows.adminUserPassword && !authFlows.userPassword && !authFlows.userAuth) {
      Annotations.of(this).addWarningV2(
        'cognito-express:no-server-sign-in-flow',
        'The app client allows no server-side sign-in flow (adminPasswordAuth, userPasswordAuth and firstAuthFactors are all off): ' +
          "the package's own sign-in page cannot sign anyone in; only the Hosted UI can.",
      );
    }

    const hostedUiDomain = this.hostedUiDomain(pool, client, props);

    const appPolicy = new iam.ManagedPolicy(this, 'AppServerPolicy', {
      description: 'Attach to the role the app server runs as: the IAM-authorized Cognito calls it makes',
      statements: [new iam.PolicyStatement({ actions: serverIamActions(authFlows), resources: [pool.attrArn] })],
    });

    const poolEnv: PoolEnv = {
      region: Aws.REGION,
      userPoolId: pool.ref,
      clientId: client.ref,
      domain: hostedUiDomain,
      identityProviders: google ? [GOOGLE_PROVIDER_NAME] : [],
    };
    const outputs: Record<string, { value: string; description: string }> = {
      CognitoRegion: { value: Aws.REGION, description: 'COGNITO_REGION' },
      CognitoUserPoolId: { value: pool.ref, description: 'COGNITO_USER_POOL_ID' },
      CognitoClientId: { value: client.ref, description: 'COGNITO_CLIENT_ID' },
      CognitoDomain: { value: hostedUiDomain, description: 'COGNITO_DOMAIN' },
      AppBaseUrlOut: { value: appBaseUrl.valueAsString, description: 'APP_BASE_URL' },
      // What the client accepts, to compare with the redirect_uri and logout_uri the app sends.
      CallbackUrls: { value: Fn.join(',', client.callbackUrLs ?? []), description: 'The callback URLs the app client accepts' },
      SignOutUrls: { value: Fn.join(',', client.logoutUrLs ?? []), description: 'The sign-out URLs the app client accepts' },
      // The secret stays out of the outputs (anyone who can read the stack could read it): fetch it once.
      CognitoClientSecretCommand: {
        value: Fn.join('', [
          'aws cognito-idp describe-user-pool-client --region ', Aws.REGION, ' --user-pool-id ', pool.ref,
          ' --client-id ', client.ref, ' --query UserPoolClient.ClientSecret --output text',
        ]),
        description: 'COGNITO_CLIENT_SECRET: run this command to read it',
      },
      AppServerPolicyArn: { value: appPolicy.managedPolicyArn, description: 'IAM policy for the app server role' },
      EnvFileProduction: {
        value: productionEnvFile(poolEnv, appBaseUrl.valueAsString),
        description: "The app's .env in production (add the client secret and SESSION_SECRET)",
      },
      ...(props.devOrigin
        ? {
            EnvFileDevelopment: {
              value: developmentEnvFile(poolEnv, props.devOrigin),
              description: "The app's .env on your machine against this pool (add the client secret)",
            },
          }
        : {}),
      ...(google ? { IdentityProviders: { value: GOOGLE_PROVIDER_NAME, description: 'COGNITO_IDENTITY_PROVIDERS' } } : {}),
    };
    for (const [outputId, output] of Object.entries(outputs)) new CfnOutput(this, outputId, output);
  }

  /** The SES identity and From header, as CDK's own `UserPoolEmail.withSES` builds them. */
  private sesSender(ses: SesOptions): SesEmailSender {
    return {
      sourceArn: this.formatArn({
        service: 'ses',
        region: ses.region ?? this.region,
        resource: 'identity',
        resourceName: ses.verifiedDomain ?? ses.fromEmail,
      }),
      from: ses.fromName ? `${formatDisplayName(ses.fromName)} <${ses.fromEmail}>` : ses.fromEmail,
      configurationSet: ses.configurationSet,
    };
  }

  /** Google, with its client secret read by CloudFormation from Secrets Manager at deploy time. */
  private googleProvider(pool: cognito.CfnUserPool, google: GoogleOptions): cognito.CfnUserPoolIdentityProvider {
    // A `{{resolve:secretsmanager:…}}` dynamic reference: the template holds the secret's name, never its value.
    const clientSecret = SecretValue.secretsManager(google.clientSecretName, { jsonField: google.clientSecretField });
    return new cognito.CfnUserPoolIdentityProvider(this, 'GoogleIdentityProvider', {
      userPoolId: pool.ref,
      providerName: GOOGLE_PROVIDER_NAME,
      providerType: 'Google',
      providerDetails: {
        client_id: google.clientId,
        client_secret: clientSecret.unsafeUnwrap(),
        authorize_scopes: 'openid email profile',
      },
      attributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
    });
  }

  /** The domain (Managed Login v2 with Cognito's own branding, or the classic Hosted UI); returns its host name. */
  private hostedUiDomain(pool: cognito.CfnUserPool, client: cognito.CfnUserPoolClient, props: CognitoStackProps): string {
    const managedLoginVersion = props.hostedUi === 'managed-login' ? 2 : 1;
    let domain: cognito.CfnUserPoolDomain;
    let hostName: string;
    if (props.domain.kind === 'prefix') {
      domain = new cognito.CfnUserPoolDomain(this, 'HostedUiDomain', {
        userPoolId: pool.ref,
        domain: props.domain.prefix,
        managedLoginVersion,
      });
      hostName = `${props.domain.prefix}.auth.${Aws.REGION}.amazoncognito.com`;
    } else {
      // Cognito checks that the parent domain (example.com for auth.example.com) resolves before it creates a
      // custom domain: without an A record there, the deploy fails with "Custom domain is not a valid subdomain".
      Annotations.of(this).addWarningV2(
        'cognito-express:custom-domain-parent-a-record',
        `Before deploying, make sure ${parentDomain(props.domain.domainName)} (the parent of ${props.domain.domainName}) ` +
          'has a DNS A record: Cognito refuses a custom domain whose parent does not resolve. ' +
          'After the deploy, point an alias record for the custom domain at the DnsAliasTarget output.',
      );
      domain = new cognito.CfnUserPoolDomain(this, 'HostedUiDomain', {
        userPoolId: pool.ref,
        domain: props.domain.domainName,
        customDomainConfig: { certificateArn: props.domain.certificateArn },
        managedLoginVersion,
      });
      hostName = props.domain.domainName;
      new CfnOutput(this, 'DnsAliasTarget', {
        description: 'Create an A (alias) record for the custom domain pointing to this CloudFront distribution',
        value: domain.attrCloudFrontDistribution,
      });
    }
    if (managedLoginVersion === 2) {
      // Managed Login pages are nonfunctional for a client without a style: Cognito's own, until you brand it.
      const branding = new cognito.CfnManagedLoginBranding(this, 'ManagedLoginBranding', {
        userPoolId: pool.ref,
        clientId: client.ref,
        useCognitoProvidedValues: true,
      });
      branding.addResourceDependency(domain);
    }
    return hostName;
  }
}

function parentDomain(domainName: string): string {
  return domainName.split('.').slice(1).join('.');
}

/** An RFC 5322 display name: a plain phrase as is, other ASCII quoted, anything else RFC 2047-encoded. */
export function formatDisplayName(name: string): string {
  if (!/^[\u0020-\u007e]+$/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  if (/^[\w !#$%&'*+\-/=?^`{|}~]+$/.test(name)) return name;
  return `"${name.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}
