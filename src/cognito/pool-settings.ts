import type {
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * The seed's console settings for the user pool and the app client, as data: the one source of truth.
 * The emulator provisioning (`provision.ts`) and the AWS CDK stack (`infra/lib/cognito-stack.ts`) both
 * build from these functions, so what runs offline is what a team reviews and deploys; a test in
 * `infra/test` proves the synthesized CloudFormation carries exactly these values.
 */
export const POOL_NAME = 'testuserpool';
export const CLIENT_NAME = 'testapp';

/** Scopes the seed selects: `openid`, `email`, and `aws.cognito.signin.user.admin` for the user APIs. */
export const OAUTH_SCOPES = ['openid', 'email', 'aws.cognito.signin.user.admin'] as const;

/** Cognito's default password policy, which the seed keeps. */
export const PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
} as const;

/**
 * The user pool: email as the username, self sign-up, email verification by code, MFA off, email-only
 * recovery, and deletion protection (cognito-local ignores it; in AWS it stops an accidental delete).
 */
export function buildUserPoolInput(): CreateUserPoolCommandInput {
  return {
    PoolName: POOL_NAME,
    UsernameAttributes: ['email'],
    UsernameConfiguration: { CaseSensitive: false },
    AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    MfaConfiguration: 'OFF',
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
    VerificationMessageTemplate: {
      DefaultEmailOption: 'CONFIRM_WITH_CODE',
      EmailSubject: 'Your verification code / 確認コード',
      EmailMessage: 'Your verification code is {####}. / 確認コードは {####} です。',
    },
    DeletionProtection: 'ACTIVE',
  };
}

/**
 * The app client: a generated secret, the seed's auth flows plus `ALLOW_USER_PASSWORD_AUTH` for the
 * custom pages (called from the server with the SECRET_HASH; docs/mfa.md says why not the admin flow,
 * still allowed here until the deployed IAM policy drops it), prevent-user-existence-errors, token
 * revocation, and the OAuth code grant with the app's own callback and sign-out URLs.
 *
 * @param appBaseUrl - the app's public origin, e.g. `http://localhost:3000`.
 */
export function buildUserPoolClientInput(userPoolId: string, appBaseUrl: string): CreateUserPoolClientCommandInput {
  return {
    UserPoolId: userPoolId,
    ClientName: CLIENT_NAME,
    GenerateSecret: true,
    ExplicitAuthFlows: [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_CUSTOM_AUTH',
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
    ],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: [...OAUTH_SCOPES],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: [callbackUrl(appBaseUrl)],
    LogoutURLs: [signOutUrl(appBaseUrl)],
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  };
}

/** Where Cognito sends the browser back with the authorization code. */
export function callbackUrl(appBaseUrl: string): string {
  return `${appBaseUrl}/auth/callback`;
}

/** Where Cognito's Hosted UI `/logout` sends the browser after sign-out. */
export function signOutUrl(appBaseUrl: string): string {
  return `${appBaseUrl}/`;
}
