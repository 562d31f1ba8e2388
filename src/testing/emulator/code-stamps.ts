import type { User } from './cognito-local';

/** What a code is for: it decides how long the code lives. */
export type CodePurpose = 'signup' | 'reset' | 'attribute';

/** When a pending code was issued and how many wrong attempts it has seen (kept on the user record). */
export interface CodeStamp {
  Code: string;
  Purpose: CodePurpose;
  /** On the emulator's clock (ms). */
  IssuedAt: number;
  Failures: number;
}

/** The two code fields of cognito-local's user record: sign-up or reset, and attribute verification. */
export type CodeField = 'ConfirmationCode' | 'AttributeVerificationCode';

/** A user record with the layer's code stamps. */
export type StampedUser = User & { CodeStamps?: Partial<Record<CodeField, CodeStamp>> };

/**
 * How long each code lives.
 * Sign-up and attribute verification: "The verification code or link is valid for 24 hours."
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html
 * Password reset: "The recovery code is valid for one hour."
 * https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-recover-a-user-account.html
 */
export const CODE_VALIDITY_MS: Record<CodePurpose, number> = {
  signup: 24 * 60 * 60 * 1000,
  reset: 60 * 60 * 1000,
  attribute: 24 * 60 * 60 * 1000,
};

/**
 * Wrong codes a pending code takes before every further attempt is refused with LimitExceededException,
 * until a new code is sent. Cognito does not publish its number; five is what Cognito has been seen to
 * allow on ConfirmForgotPassword (aws-amplify/amplify-ui-android#180).
 */
export const WRONG_CODE_LIMIT = 5;

/**
 * The user as it will be saved, with a stamp for each code that is new since the last save and none for
 * a code that is gone. Runs on every save, so a code issued by any of cognito-local's own operations
 * (SignUp, ForgotPassword, GetUserAttributeVerificationCode, UpdateUserAttributes) is stamped.
 */
export function stampCodes(user: StampedUser, now: number): StampedUser {
  const stamps: Partial<Record<CodeField, CodeStamp>> = { ...user.CodeStamps };
  for (const field of ['ConfirmationCode', 'AttributeVerificationCode'] as const) {
    const code = user[field];
    if (!code) {
      delete stamps[field];
    } else if (stamps[field]?.Code !== code) {
      const purpose: CodePurpose = field === 'AttributeVerificationCode' ? 'attribute' : user.UserStatus === 'UNCONFIRMED' ? 'signup' : 'reset';
      stamps[field] = { Code: code, Purpose: purpose, IssuedAt: now, Failures: 0 };
    }
  }
  return { ...user, CodeStamps: stamps };
}
