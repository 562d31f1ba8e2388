import type { UserPool } from '../cognito-local';

/** The first factors choice-based sign-in knows (`AuthFactorType` less `SOFTWARE_TOKEN`, which is never a first factor). */
export const FIRST_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] as const;

/** The pool's settings that cognito-local does not keep, as the layer keeps them in its options. */
export type PasswordlessPool = UserPool & {
  /** `LITE`, `ESSENTIALS` or `PLUS`; absent means Cognito's default. */
  UserPoolTier?: string;
  WebAuthnConfiguration?: { RelyingPartyId?: string; UserVerification?: string; FactorConfiguration?: string };
};

/**
 * "This parameter determines the eligibility of the user pool for features like managed login,
 * access-token customization, and threat protection. Defaults to ESSENTIALS."
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html
 */
export function tierOf(pool: PasswordlessPool): string {
  return pool.UserPoolTier ?? 'ESSENTIALS';
}

/**
 * The factors `USER_AUTH` may offer first. A pool without a sign-in policy signs in with the password
 * only (the policy's and the CDK's default).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html
 */
export function firstFactorsOf(pool: PasswordlessPool): string[] {
  const policies = pool.Policies as { SignInPolicy?: { AllowedFirstAuthFactors?: string[] } } | undefined;
  return policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
}

/** The passkey settings: the relying party (none unless set: the emulator's pools have no domain) and user verification. */
export function webAuthnOf(pool: PasswordlessPool): { relyingPartyId: string | undefined; userVerification: 'required' | 'preferred' } {
  const config = pool.WebAuthnConfiguration;
  // "When required, users can only register and sign in users with passkeys that are capable of user
  // verification. When preferred, your user pool doesn't require [it] but encourages it." Preferred is
  // CloudFormation's default. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html
  return { relyingPartyId: config?.RelyingPartyId, userVerification: config?.UserVerification === 'required' ? 'required' : 'preferred' };
}
