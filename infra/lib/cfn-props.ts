import type {
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
  SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { aws_cognito as cognito } from 'aws-cdk-lib';

/**
 * CDK's L1 property names are the CloudFormation (= Cognito API) names with a lower-case first letter,
 * with a few exceptions listed here. Converting the app's own SDK inputs keeps one source of truth.
 */
const RENAMED: Record<string, string> = {
  PoolName: 'userPoolName',
  CallbackURLs: 'callbackUrLs',
  LogoutURLs: 'logoutUrLs',
};

function toCdkKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCdkKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [RENAMED[key] ?? key.charAt(0).toLowerCase() + key.slice(1), toCdkKeys(v)]),
  );
}

/** `CfnUserPool` properties from the app's CreateUserPool input. */
export function userPoolProps(input: CreateUserPoolCommandInput): cognito.CfnUserPoolProps {
  return toCdkKeys(input) as cognito.CfnUserPoolProps;
}

/** `CfnUserPoolClient` properties from the app's CreateUserPoolClient input. */
export function userPoolClientProps(input: CreateUserPoolClientCommandInput): cognito.CfnUserPoolClientProps {
  return toCdkKeys(input) as cognito.CfnUserPoolClientProps;
}

/**
 * `CfnUserPool` MFA properties from the app's SetUserPoolMfaConfig input: CloudFormation sets the mode, the
 * enabled factors and the passkey settings on the pool itself (`MfaConfiguration`, `EnabledMfas`,
 * `WebAuthnRelyingPartyID`, `WebAuthnUserVerification`: see the AWS::Cognito::UserPool reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html).
 */
export function userPoolMfaProps(
  input: SetUserPoolMfaConfigCommandInput,
): Pick<cognito.CfnUserPoolProps, 'mfaConfiguration' | 'enabledMfas' | 'webAuthnRelyingPartyId' | 'webAuthnUserVerification'> {
  const enabledMfas = [
    ...(input.SmsMfaConfiguration ? ['SMS_MFA'] : []),
    ...(input.SoftwareTokenMfaConfiguration?.Enabled ? ['SOFTWARE_TOKEN_MFA'] : []),
    ...(input.EmailMfaConfiguration ? ['EMAIL_OTP'] : []),
  ];
  const webAuthn = input.WebAuthnConfiguration;
  return {
    mfaConfiguration: input.MfaConfiguration,
    enabledMfas,
    ...(webAuthn ? { webAuthnRelyingPartyId: webAuthn.RelyingPartyId, webAuthnUserVerification: webAuthn.UserVerification } : {}),
  };
}
