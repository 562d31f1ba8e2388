import {
  AdminGetUserCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DeleteUserCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { userContextDataOf, type Visitor } from './context-data';
import { callCognito } from './errors';
import { computeSecretHash } from './secret-hash';
import { createSignInCalls, type SignInCalls } from './sign-in-api';
import type { PasswordPolicy } from './password-policy';
import { FIRST_AUTH_FACTORS, type FirstAuthFactor } from './pool-settings';
import type { CognitoSettings } from './settings';
import { revokeRefreshTokens, signOutGlobally, type GlobalSignOutOutcome, type RevocationTarget } from './sign-out';

/** A user's attributes as GetUser returns them, by name. */
export type UserAttributes = Record<string, string>;

/**
 * The first factors the sign-in page offers: those configured that the pool's sign-in policy allows
 * (`offered`, in the configured order), and those configured that it does not (`refused`).
 */
export interface FirstFactors {
  offered: FirstAuthFactor[];
  refused: FirstAuthFactor[];
}

/**
 * Everything the custom pages ask of Cognito. Each method throws an `CognitoAuthError` with a code the pages show.
 * `visitor` (where a call takes one) goes to Cognito as `UserContextData` (or, on the admin sign-in API,
 * `ContextData`) when the `contextData` setting is on, for its threat protection.
 */
export interface UserService extends SignInCalls {
  passwordPolicy(): Promise<PasswordPolicy>;
  /**
   * The configured first factors checked against the pool's `SignInPolicy.AllowedFirstAuthFactors`
   * (DescribeUserPool, read once); the password alone needs no look-up.
   */
  firstFactors(): Promise<FirstFactors>;
  signUp(email: string, password: string, visitor?: Visitor): Promise<void>;
  confirmSignUp(email: string, code: string, visitor?: Visitor): Promise<void>;
  resendConfirmationCode(email: string, visitor?: Visitor): Promise<void>;
  forgotPassword(email: string, visitor?: Visitor): Promise<void>;
  resetPassword(email: string, code: string, newPassword: string, visitor?: Visitor): Promise<void>;
  changePassword(accessToken: string, previous: string, proposed: string): Promise<void>;
  getUser(accessToken: string): Promise<UserAttributes>;
  /** Whether two-step sign-in with an authenticator app is on for the person (GetUser's `UserMFASettingList`). */
  totpEnabled(accessToken: string): Promise<boolean>;
  updateName(accessToken: string, name: string): Promise<void>;
  deleteUser(accessToken: string): Promise<void>;
  /** AdminGetUser: the account's username and `sub`, or undefined when there is no such account. */
  findAccount(usernameOrEmail: string): Promise<{ username: string; sub: string } | undefined>;
  /** Signs the user out of every device at Cognito as far as this client may; never throws (see `signOutGlobally`). */
  signOutGlobally(target: RevocationTarget): Promise<GlobalSignOutOutcome>;
  /** Revokes refresh tokens one by one (where no global sign-out was allowed); never throws. */
  revokeRefreshTokens(refreshTokens: Array<string | undefined>): Promise<{ revoked: number; failures: string[] }>;
}

/** Creates the service over one SDK client and one app client's settings. */
export function createUserService(
  client: CognitoIdentityProviderClient,
  settings: Pick<CognitoSettings, 'userPoolId' | 'clientId' | 'clientSecret' | 'contextData' | 'signInApi' | 'firstFactors'>,
): UserService {
  const { userPoolId, clientId } = settings;
  const context = (visitor: Visitor | undefined) => userContextDataOf(settings.contextData, visitor);
  const secretHash = (username: string) =>
    settings.clientSecret === undefined ? undefined : computeSecretHash(username, clientId, settings.clientSecret);
  let described: ReturnType<typeof describePool> | undefined;
  let policy: Promise<PasswordPolicy> | undefined;
  const configured = settings.firstFactors ?? ['PASSWORD'];

  const call = callCognito;
  function describePool() {
    return call('signUp', async () => (await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool?.Policies);
  }
  /** DescribeUserPool's policies, asked once; a failure is asked again next time rather than kept. */
  function policies(): ReturnType<typeof describePool> {
    described ??= describePool().catch((err: unknown) => {
      described = undefined;
      throw err;
    });
    return described;
  }

  return {
    ...createSignInCalls(client, settings),

    async firstFactors() {
      if (configured.length === 1 && configured[0] === 'PASSWORD') return { offered: ['PASSWORD'], refused: [] };
      // "The sign-in methods that a user pool supports as the first factor"; without a policy, the password alone.
      // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html
      const allowed: readonly string[] = (await policies())?.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
      const known = configured.filter((f) => FIRST_AUTH_FACTORS.includes(f));
      return { offered: known.filter((f) => allowed.includes(f)), refused: known.filter((f) => !allowed.includes(f)) };
    },

    passwordPolicy() {
      policy ??= call('signUp', async () => {
        const p = (await policies())?.PasswordPolicy ?? {};
        return {
          minimumLength: p.MinimumLength ?? 8,
          requireUppercase: p.RequireUppercase ?? true,
          requireLowercase: p.RequireLowercase ?? true,
          requireNumbers: p.RequireNumbers ?? true,
          requireSymbols: p.RequireSymbols ?? true,
        };
      }).catch((err: unknown) => {
        policy = undefined; // try again next time rather than caching a failure
        throw err;
      });
      return policy;
    },

    signUp: (email, password, visitor) =>
      call('signUp', async () => {
        await client.send(
          new SignUpCommand({
            ClientId: clientId,
            SecretHash: secretHash(email),
            Username: email,
            Password: password,
            UserAttributes: [{ Name: 'email', Value: email }],
            ...context(visitor),
          }),
        );
      }),

    confirmSignUp: (email, code, visitor) =>
      call('confirmSignUp', async () => {
        await client.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            SecretHash: secretHash(email),
            Username: email,
            ConfirmationCode: code,
            ...context(visitor),
          }),
        );
      }),

    resendConfirmationCode: (email, visitor) =>
      call('resendCode', async () => {
        try {
          await client.send(
            new ResendConfirmationCodeCommand({ ClientId: clientId, SecretHash: secretHash(email), Username: email, ...context(visitor) }),
          );
        } catch (err) {
          // An unknown address gets the same answer as one waiting for its code, as on the forgot page
          // (Cognito with prevent-user-existence-errors answers so by itself).
          if ((err as { name?: string }).name === 'UserNotFoundException') return;
          throw err;
        }
      }),

    forgotPassword: (email, visitor) =>
      call('forgotPassword', async () => {
        try {
          await client.send(new ForgotPasswordCommand({ ClientId: clientId, SecretHash: secretHash(email), Username: email, ...context(visitor) }));
        } catch (err) {
          // The page answers the same whether or not the address exists (cognito-local tells; Cognito
          // with prevent-user-existence-errors does not).
          if ((err as { name?: string }).name === 'UserNotFoundException') return;
          throw err;
        }
      }),

    resetPassword: (email, code, newPassword, visitor) =>
      call('resetPassword', async () => {
        await client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            SecretHash: secretHash(email),
            Username: email,
            ConfirmationCode: code,
            Password: newPassword,
            ...context(visitor),
          }),
        );
      }),

    changePassword: (accessToken, previous, proposed) =>
      call('changePassword', async () => {
        await client.send(new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: previous, ProposedPassword: proposed }));
      }),

    getUser: (accessToken) =>
      call('profile', async () => {
        const out = await client.send(new GetUserCommand({ AccessToken: accessToken }));
        return Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
      }),

    totpEnabled: (accessToken) =>
      call('profile', async () => {
        const out = await client.send(new GetUserCommand({ AccessToken: accessToken }));
        return (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
      }),

    updateName: (accessToken, name) =>
      call('profile', async () => {
        await client.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'name', Value: name }] }));
      }),

    deleteUser: (accessToken) =>
      call('profile', async () => {
        await client.send(new DeleteUserCommand({ AccessToken: accessToken }));
      }),

    findAccount: (usernameOrEmail) =>
      call('profile', async () => {
        try {
          const out = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: usernameOrEmail }));
          const sub = out.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
          return out.Username && sub ? { username: out.Username, sub } : undefined;
        } catch (err) {
          if ((err as { name?: string }).name === 'UserNotFoundException') return undefined;
          throw err;
        }
      }),

    signOutGlobally: (target) => signOutGlobally(client, settings, target),

    revokeRefreshTokens: (refreshTokens) => revokeRefreshTokens(client, settings, refreshTokens),
  };
}
