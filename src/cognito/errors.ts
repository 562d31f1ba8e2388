import { CognitoAuthError, type ErrorCode } from '../errors';

/** The Cognito operations whose errors the custom pages show. */
export type CognitoOperation =
  | 'signUp'
  | 'confirmSignUp'
  | 'resendCode'
  | 'signIn'
  | 'newPassword'
  | 'forgotPassword'
  | 'resetPassword'
  | 'changePassword'
  | 'profile'
  | 'refresh'
  | 'mfaSetup'
  | 'mfaSignIn';

/**
 * Exception name → app error code, for every operation. The names come from outside (Cognito's answer),
 * so they are looked up with {@link codeFor}: an exception named `constructor` finds nothing.
 */
const COMMON: Record<string, ErrorCode> = {
  UsernameExistsException: 'email_taken',
  AliasExistsException: 'email_taken',
  InvalidPasswordException: 'password_policy',
  CodeMismatchException: 'code_mismatch',
  ExpiredCodeException: 'code_expired',
  UserNotConfirmedException: 'not_confirmed',
  LimitExceededException: 'too_many_attempts',
  TooManyRequestsException: 'too_many_attempts',
  TooManyFailedAttemptsException: 'too_many_attempts',
  CodeDeliveryFailureException: 'upstream_unavailable',
  InvalidParameterException: 'invalid_input',
  // A pool trigger refused the request (pre sign-up, pre authentication, custom message, migration…).
  UserLambdaValidationException: 'trigger_refused',
  // cognito-local answers `CognitoLocal#Unsupported` for operations it does not implement.
  Unsupported: 'emulator_unsupported',
};

/** Where the same exception means something else. */
const BY_OPERATION: Partial<Record<CognitoOperation, Record<string, ErrorCode>>> = {
  // With prevent-user-existence-errors real Cognito answers NotAuthorized for an unknown user and a wrong
  // password alike; cognito-local answers UserNotFound / InvalidPassword. Same message for all.
  signIn: {
    NotAuthorizedException: 'bad_credentials',
    UserNotFoundException: 'bad_credentials',
    InvalidPasswordException: 'bad_credentials',
    // An administrator reset the password (AdminResetUserPassword): the person needs the reset page.
    PasswordResetRequiredException: 'password_reset_required',
  },
  newPassword: { NotAuthorizedException: 'session_expired' },
  confirmSignUp: { NotAuthorizedException: 'code_mismatch', UserNotFoundException: 'code_mismatch' },
  resetPassword: { UserNotFoundException: 'code_mismatch' },
  // A wrong current password is NotAuthorized on Cognito and InvalidPassword on cognito-local; the new
  // password was already checked against the policy before the call.
  // (A revoked token is NotAuthorized too: the password page tells the two apart with a GetUser.)
  changePassword: {
    NotAuthorizedException: 'current_password_wrong',
    InvalidPasswordException: 'current_password_wrong',
    UserNotFoundException: 'session_expired',
    PasswordResetRequiredException: 'session_expired',
  },
  // The user is gone, disabled, reset or signed out everywhere: the session ends, never a 5xx.
  profile: { NotAuthorizedException: 'session_expired', UserNotFoundException: 'session_expired', PasswordResetRequiredException: 'session_expired' },
  refresh: {
    NotAuthorizedException: 'session_expired',
    UserNotFoundException: 'session_expired',
    PasswordResetRequiredException: 'session_expired',
    // A rotated-out refresh token used again (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html).
    RefreshTokenReuseException: 'session_expired',
  },
  // VerifySoftwareToken: real Cognito answers a wrong first code with EnableSoftwareTokenMFAException,
  // cognito-local with CodeMismatch.
  mfaSetup: {
    CodeMismatchException: 'mfa_code_mismatch',
    EnableSoftwareTokenMFAException: 'mfa_code_mismatch',
    NotAuthorizedException: 'session_expired',
    UserNotFoundException: 'session_expired',
    PasswordResetRequiredException: 'session_expired',
  },
  // RespondToAuthChallenge (SOFTWARE_TOKEN_MFA): a reused code is ExpiredCode on Cognito; a challenge
  // session that ran out or was already used is NotAuthorized.
  mfaSignIn: {
    CodeMismatchException: 'mfa_code_mismatch',
    ExpiredCodeException: 'mfa_code_mismatch',
    NotAuthorizedException: 'mfa_expired',
  },
};

/**
 * Maps an error thrown by the Cognito SDK onto an {@link CognitoAuthError} whose code has a message in both
 * languages. Unknown exceptions become `cognito_unknown`; their name is kept (never the request).
 */
export function mapCognitoError(err: unknown, operation: CognitoOperation): CognitoAuthError {
  if (err instanceof CognitoAuthError) return err;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  // Cognito says "already confirmed" only in the message of a NotAuthorizedException.
  if (operation === 'confirmSignUp' && name === 'NotAuthorizedException' && /Current status is CONFIRMED/i.test(String((err as Error)?.message))) {
    return new CognitoAuthError('already_confirmed', `${operation}: ${name}`, { cause: err });
  }
  const code = codeFor(BY_OPERATION[operation], name) ?? codeFor(COMMON, name);
  if (code) return new CognitoAuthError(code, `${operation}: ${name}`, { cause: err });
  if (name === 'TimeoutError' || name === 'AbortError' || (e?.$metadata?.httpStatusCode ?? 0) >= 500 || isNetworkError(err)) {
    return new CognitoAuthError('upstream_unavailable', `${operation}: ${name}`, { cause: err });
  }
  return new CognitoAuthError('cognito_unknown', `${operation}: ${name}`, { cause: err });
}

/** The table's own entry for `name`, never an `Object.prototype` member. */
function codeFor(table: Record<string, ErrorCode> | undefined, name: string): ErrorCode | undefined {
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
}

/** Runs one Cognito call, turning its failure into the {@link CognitoAuthError} the pages show for `operation`. */
export async function callCognito<T>(operation: CognitoOperation, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw mapCognitoError(err, operation);
  }
}
