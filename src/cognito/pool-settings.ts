import type {
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
  EmailConfigurationType,
  SetUserPoolMfaConfigCommandInput,
  VerificationMessageTemplateType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * The user pool and app client settings, as data: the one source of truth. They start from the console
 * settings of the original walkthrough (the Japanese guide to the console and the Hosted UI pages this
 * project began from).
 * The emulator provisioning (`provision.ts`) and the AWS CDK stack (`infra/lib/cognito-stack.ts`) both
 * build from these functions, so what runs offline is what a team reviews and deploys; a test in
 * `infra/test` proves the synthesized CloudFormation carries exactly these values.
 */
export const POOL_NAME = 'testuserpool';
export const CLIENT_NAME = 'testapp';

/** Scopes the original walkthrough selects: `openid`, `email`, and `aws.cognito.signin.user.admin` for the user APIs. */
export const OAUTH_SCOPES = ['openid', 'email', 'aws.cognito.signin.user.admin'] as const;

/** Cognito's default password policy, which the original walkthrough keeps. */
export const PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
} as const;

/**
 * The verification e-mail's own text. Cognito accepts a custom subject and message only when it sends
 * through your Amazon SES identity (`EmailSendingAccount: DEVELOPER`); its default sender uses its own text.
 */
export const VERIFICATION_EMAIL = {
  EmailSubject: 'Your verification code / 確認コード',
  EmailMessage: 'Your verification code is {####}. / 確認コードは {####} です。',
} as const;

/** An Amazon SES identity the pool sends its e-mail through, instead of Cognito's default sender. */
export interface SesEmailSender {
  /** ARN of the verified SES identity (an address, or the domain of `from`). */
  sourceArn: string;
  /** The From header: `no-reply@example.com` or `Example <no-reply@example.com>`. */
  from: string;
  /** An SES configuration set applied to every message (event publishing, dedicated IPs). */
  configurationSet?: string;
}

/** Options of the pool that depend on the deployment rather than on the app. */
export interface UserPoolOptions {
  /** Send through SES (with the app's own verification text); omitted: Cognito's default sender. */
  sesSender?: SesEmailSender;
}

/**
 * The user pool: email as the username, self sign-up, email verification by code, email-only recovery,
 * and deletion protection (cognito-local ignores it; in AWS it stops an accidental delete). MFA is not
 * here: CreateUserPool cannot switch TOTP on, so it lives in {@link buildUserPoolMfaConfigInput}.
 */
export function buildUserPoolInput(options: UserPoolOptions = {}): CreateUserPoolCommandInput {
  return {
    PoolName: POOL_NAME,
    UsernameAttributes: ['email'],
    UsernameConfiguration: { CaseSensitive: false },
    AutoVerifiedAttributes: ['email'],
    // A changed address becomes the sign-in address only once its code is entered (docs/email.md).
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    ...buildEmailSettings(options.sesSender),
    DeletionProtection: 'ACTIVE',
  };
}

function buildEmailSettings(ses: SesEmailSender | undefined): {
  EmailConfiguration: EmailConfigurationType;
  VerificationMessageTemplate: VerificationMessageTemplateType;
} {
  if (!ses) {
    return {
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
    };
  }
  return {
    EmailConfiguration: {
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: ses.sourceArn,
      From: ses.from,
      ...(ses.configurationSet ? { ConfigurationSet: ses.configurationSet } : {}),
    },
    VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', ...VERIFICATION_EMAIL },
  };
}

/**
 * MFA optional, by authenticator app (TOTP) only: each user chooses to switch it on, and then signs in with
 * a code after the password (`SOFTWARE_TOKEN_MFA`). No SMS (it needs an SNS role and costs per message) and
 * no e-mail codes (they need SES and the Essentials plan). To require MFA for everyone, set `'ON'` here.
 */
export function buildUserPoolMfaConfigInput(userPoolId: string): SetUserPoolMfaConfigCommandInput {
  return {
    UserPoolId: userPoolId,
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
  };
}

/** Options of the app client that depend on the deployment rather than on the app. */
export interface UserPoolClientOptions {
  /** More origins whose callback and sign-out URLs the client accepts, e.g. `http://localhost:3000`. */
  otherOrigins?: readonly string[];
  /** Federated identity providers by name (`Google`, …), offered beside the pool's own users. */
  identityProviders?: readonly string[];
  /** Where the app mounts `cognitoAuth()` (default `/`): the callback URL is under it. */
  mountPath?: string;
}

/**
 * The app client: a generated secret, only the auth flows the app uses, prevent-user-existence-errors,
 * token revocation, and the OAuth code grant with the app's own callback and sign-out URLs.
 *
 * @param appBaseUrl - the app's public origin, e.g. `http://localhost:3000`.
 */
export function buildUserPoolClientInput(
  userPoolId: string,
  appBaseUrl: string,
  options: UserPoolClientOptions = {},
): CreateUserPoolClientCommandInput {
  const origins = [appBaseUrl, ...(options.otherOrigins ?? [])];
  return {
    UserPoolId: userPoolId,
    ClientName: CLIENT_NAME,
    GenerateSecret: true,
    // The Hosted UI needs none of these (it runs its own flows); SRP and custom (Lambda) auth are not used.
    ExplicitAuthFlows: [
      // Token refresh: the app renews a session's access token with its refresh token.
      'ALLOW_REFRESH_TOKEN_AUTH',
      // InitiateAuth USER_PASSWORD_AUTH: the custom sign-in page, which gets the SOFTWARE_TOKEN_MFA challenge
      // (and Managed Login's own password form).
      'ALLOW_USER_PASSWORD_AUTH',
    ],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: [...OAUTH_SCOPES],
    SupportedIdentityProviders: ['COGNITO', ...(options.identityProviders ?? [])],
    CallbackURLs: origins.map((origin) => callbackUrl(origin, options.mountPath)),
    LogoutURLs: origins.map(signOutUrl),
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  };
}

/** Where Cognito sends the browser back with the authorization code: `<origin><mount>/auth/callback`. */
export function callbackUrl(appBaseUrl: string, mountPath = '/'): string {
  return `${appBaseUrl}${mountPath.replace(/\/+$/, '')}/auth/callback`;
}

/** Where Cognito's Hosted UI `/logout` sends the browser after sign-out. */
export function signOutUrl(appBaseUrl: string): string {
  return `${appBaseUrl}/`;
}
