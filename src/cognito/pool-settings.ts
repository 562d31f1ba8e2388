import type {
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
  EmailConfigurationType,
  ExplicitAuthFlowsType,
  SetUserPoolMfaConfigCommandInput,
  VerificationMessageTemplateType,
} from '@aws-sdk/client-cognito-identity-provider';
import { callbackUrlFor, signOutUrlFor } from '../urls/mount-urls';

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

/**
 * The first factors a choice-based sign-in (`USER_AUTH`) can offer on this app's pages: the password, a
 * one-time code by e-mail, a passkey. `SMS_OTP` is left out: the pool has no SMS set-up.
 */
export const FIRST_AUTH_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] as const;
export type FirstAuthFactor = (typeof FIRST_AUTH_FACTORS)[number];

/** Threat protection's mode for standard sign-ins (`UserPoolAddOns.AdvancedSecurityMode`; Plus plan only). */
export type ThreatProtectionMode = 'AUDIT' | 'ENFORCED';

/** Options of the pool that depend on the deployment rather than on the app. */
export interface UserPoolOptions {
  /** Send through SES (with the app's own verification text); omitted: Cognito's default sender. */
  sesSender?: SesEmailSender;
  /**
   * The first factors of choice-based sign-in (`Policies.SignInPolicy.AllowedFirstAuthFactors`); omitted:
   * no sign-in policy, so Cognito's own (the password only). Needs the Essentials or Plus plan.
   */
  firstAuthFactors?: readonly FirstAuthFactor[];
  /** Threat protection (adaptive authentication, compromised credentials); omitted: off. Needs the Plus plan. */
  threatProtection?: ThreatProtectionMode;
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
    Policies: {
      PasswordPolicy: { ...PASSWORD_POLICY },
      ...(options.firstAuthFactors ? { SignInPolicy: { AllowedFirstAuthFactors: [...options.firstAuthFactors] } } : {}),
    },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    ...buildEmailSettings(options.sesSender),
    ...(options.threatProtection ? { UserPoolAddOns: { AdvancedSecurityMode: options.threatProtection } } : {}),
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

/** The passkey (WebAuthn) settings of the pool, set through SetUserPoolMfaConfig's `WebAuthnConfiguration`. */
export interface WebAuthnSettings {
  /**
   * The relying party: the host name, or a registrable suffix of it, of the pages where the browser runs
   * the WebAuthn ceremony (for this package's pages, the app's own host, e.g. `app.example.com`).
   */
  relyingPartyId: string;
  /** `preferred` (Cognito's default) or `required` (only authenticators that verify the person). */
  userVerification: 'preferred' | 'required';
}

/**
 * MFA optional, by authenticator app (TOTP) only: each user chooses to switch it on, and then signs in with
 * a code after the password (`SOFTWARE_TOKEN_MFA`). No SMS (it needs an SNS role and costs per message) and
 * no e-mail codes (they need SES and the Essentials plan). To require MFA for everyone, set `'ON'` here.
 *
 * @param options.webAuthn - the passkey relying party and user verification, where passkeys are offered.
 */
export function buildUserPoolMfaConfigInput(userPoolId: string, options: { webAuthn?: WebAuthnSettings } = {}): SetUserPoolMfaConfigCommandInput {
  return {
    UserPoolId: userPoolId,
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
    ...(options.webAuthn
      ? { WebAuthnConfiguration: { RelyingPartyId: options.webAuthn.relyingPartyId, UserVerification: options.webAuthn.userVerification } }
      : {}),
  };
}

/** The sign-in flows the app client allows, one switch each (refresh is on unless rotation replaces it). */
export interface AuthFlowSettings {
  /** `ALLOW_ADMIN_USER_PASSWORD_AUTH`: `AdminInitiateAuth` from the server, authorized by its IAM credentials. */
  adminUserPassword: boolean;
  /** `ALLOW_USER_PASSWORD_AUTH`: `InitiateAuth` `USER_PASSWORD_AUTH`, authorized by the client secret alone. */
  userPassword: boolean;
  /** `ALLOW_USER_AUTH`: choice-based sign-in (`USER_AUTH`: password, e-mail code, passkey). */
  userAuth: boolean;
}

/**
 * The flows the package signs in with by default: the custom pages call `AdminInitiateAuth`
 * (`ADMIN_USER_PASSWORD_AUTH`) and `AdminRespondToAuthChallenge` with the server's IAM credentials
 * (`cognito.signInApi: 'admin'`). A host without IAM credentials (`signInApi: 'public'`) switches
 * `userPassword` on; choice-based sign-in switches `userAuth` on. The CDK stack follows.
 */
export const DEFAULT_AUTH_FLOWS: Readonly<AuthFlowSettings> = { adminUserPassword: true, userPassword: false, userAuth: false };

/**
 * The IAM-authorized Cognito calls the app server makes (all on its own pool), grouped by what needs them:
 * the CDK stack grants exactly these to the app server's role. Everything else it calls (`SignUp`,
 * `InitiateAuth`, `ChangePassword`, the passkey operations, …) is authorized by the client secret or the
 * person's own access token, not by IAM. A test in `infra/test` checks the package's source against it.
 */
export const SERVER_IAM_ACTIONS = {
  /** Called whichever sign-in flow the client allows. */
  always: [
    // Sign-out everywhere: ends every session of the user, also where the access token is gone.
    'cognito-idp:AdminUserGlobalSignOut',
    // Password reset by code: finds the account whose sessions end (the reset itself needs no IAM).
    'cognito-idp:AdminGetUser',
    // The password policy shown and checked on the sign-up, reset, change and new-password pages; the
    // sign-in policy's first factors; the plan and domain the passkeys page checks.
    'cognito-idp:DescribeUserPool',
    // Refresh-token rotation: whether refreshes go through GetTokensFromRefreshToken (read once).
    'cognito-idp:DescribeUserPoolClient',
    // The passkeys page: the pool's WebAuthn relying party, checked against the pages' host.
    'cognito-idp:GetUserPoolMfaConfig',
  ],
  /** Sign-in on the admin API, where the client allows `ALLOW_ADMIN_USER_PASSWORD_AUTH`. */
  adminSignIn: ['cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge'],
} as const;

/** The IAM actions the app server needs with these sign-in flows (see {@link SERVER_IAM_ACTIONS}). */
export function serverIamActions(flows: Pick<AuthFlowSettings, 'adminUserPassword'>): string[] {
  return [...SERVER_IAM_ACTIONS.always, ...(flows.adminUserPassword ? SERVER_IAM_ACTIONS.adminSignIn : [])];
}

/** Options of the app client that depend on the deployment rather than on the app. */
export interface UserPoolClientOptions {
  /** More origins whose callback and sign-out URLs the client accepts, e.g. `http://localhost:3000`. */
  otherOrigins?: readonly string[];
  /** Federated identity providers by name (`Google`, …), offered beside the pool's own users. */
  identityProviders?: readonly string[];
  /** Where the app mounts `cognitoAuth()` (default `/`): the callback URL is under it. */
  mountPath?: string;
  /** The router's `afterSignOutTo` (default `/`): where Cognito's `/logout` sends the browser back to. */
  afterSignOutTo?: string;
  /** The sign-in flows the client allows; each one left out keeps its {@link DEFAULT_AUTH_FLOWS} value. */
  authFlows?: Partial<AuthFlowSettings>;
  /**
   * Refresh-token rotation: each refresh (`GetTokensFromRefreshToken`) also returns a new refresh token,
   * and the old one keeps working for the grace period (0–60 s). `ALLOW_REFRESH_TOKEN_AUTH` goes: AWS
   * says rotation "isn't compatible" with `REFRESH_TOKEN_AUTH` and the flow must be off
   * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html#using-the-refresh-token-rotation).
   */
  refreshTokenRotation?: { retryGracePeriodSeconds: number };
  /**
   * Lets the app send the visitor's IP address in `UserContextData` on the public API, for threat
   * protection (`EnablePropagateAdditionalUserContextData`; only on a client with a secret).
   */
  propagateUserContextData?: boolean;
}

/**
 * `ExplicitAuthFlows` for the given switches: refresh (unless refresh-token rotation replaces it with
 * `GetTokensFromRefreshToken`, which needs no flow), then each sign-in flow that is on.
 */
export function explicitAuthFlows(flows: Partial<AuthFlowSettings> = {}, options: { rotation?: boolean } = {}): ExplicitAuthFlowsType[] {
  const on = { ...DEFAULT_AUTH_FLOWS, ...flows };
  return [
    // Token refresh: the app renews a session's access token with its refresh token.
    ...(options.rotation ? [] : (['ALLOW_REFRESH_TOKEN_AUTH'] as const)),
    // AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH: the server signs in with its own IAM credentials.
    ...(on.adminUserPassword ? (['ALLOW_ADMIN_USER_PASSWORD_AUTH'] as const) : []),
    // InitiateAuth USER_PASSWORD_AUTH: the custom sign-in page on the public API (cognito.signInApi 'public').
    ...(on.userPassword ? (['ALLOW_USER_PASSWORD_AUTH'] as const) : []),
    // USER_AUTH: choice-based sign-in (password, e-mail code, passkey).
    ...(on.userAuth ? (['ALLOW_USER_AUTH'] as const) : []),
  ];
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
    ExplicitAuthFlows: explicitAuthFlows(options.authFlows, { rotation: options.refreshTokenRotation !== undefined }),
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    ...(options.propagateUserContextData ? { EnablePropagateAdditionalUserContextData: true } : {}),
    ...(options.refreshTokenRotation
      ? { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: options.refreshTokenRotation.retryGracePeriodSeconds } }
      : {}),
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: [...OAUTH_SCOPES],
    SupportedIdentityProviders: ['COGNITO', ...(options.identityProviders ?? [])],
    CallbackURLs: origins.map((origin) => callbackUrlFor(origin, options.mountPath)),
    LogoutURLs: origins.map((origin) => signOutUrlFor(origin, options.afterSignOutTo)),
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  };
}
