/**
 * Errors a person can correct on the form they just sent: shown beside the form, with what they typed
 * kept (but secrets). Every other code ends on the error page.
 */
export const FORM_ERROR_CODES = [
  'invalid_input',
  'email_taken',
  'password_policy',
  'password_mismatch',
  'code_mismatch',
  'code_expired',
  'bad_credentials',
  'not_confirmed',
  'current_password_wrong',
  'email_mismatch',
  'too_many_attempts',
  'mfa_code_mismatch',
  'mfa_setup_required',
  'trigger_refused',
] as const;

/**
 * The fixed list of error codes the app uses. Callers `switch` on these; the i18n catalogues have a
 * human message for each one (`error.<code>`).
 */
export const ERROR_CODES = [
  'bad_request',
  'not_found',
  'csrf_invalid',
  'auth_state_invalid',
  'auth_denied',
  'auth_code_invalid',
  'auth_token_invalid',
  'auth_provider_error',
  'upstream_unavailable',
  'session_store_unavailable',
  'internal',
  'rate_limited',
  ...FORM_ERROR_CODES,
  'emulator_unsupported',
  'session_expired',
  'cognito_unknown',
  'mfa_expired',
  'password_reset_required',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  csrf_invalid: 403,
  auth_state_invalid: 403,
  auth_denied: 401,
  auth_code_invalid: 400,
  auth_token_invalid: 401,
  auth_provider_error: 400,
  upstream_unavailable: 503,
  session_store_unavailable: 503,
  internal: 500,
  rate_limited: 429,
  invalid_input: 400,
  email_taken: 409,
  password_policy: 400,
  password_mismatch: 400,
  code_mismatch: 400,
  code_expired: 400,
  bad_credentials: 401,
  not_confirmed: 403,
  current_password_wrong: 400,
  email_mismatch: 400,
  too_many_attempts: 429,
  emulator_unsupported: 501,
  session_expired: 401,
  cognito_unknown: 502,
  mfa_code_mismatch: 400,
  mfa_setup_required: 403,
  mfa_expired: 401,
  // A pool trigger (Lambda) refused what was sent.
  trigger_refused: 400,
  // An administrator reset the password: sign-in goes to the reset page instead.
  password_reset_required: 403,
};

/** An error the app expects and knows how to show: a code from {@link ERROR_CODES} and an HTTP status. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Text from Cognito to show the person as is (the view escapes it), e.g. an `error_description`. */
  readonly detail: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; status?: number; detail?: string | undefined },
  ) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? STATUS[code];
    this.detail = options?.detail;
  }
}

const FORM_ERRORS = new Set<ErrorCode>(FORM_ERROR_CODES);

/** True for an {@link AppError} that belongs beside the form rather than on the error page. */
export function isFormError(err: unknown): err is AppError {
  return err instanceof AppError && FORM_ERRORS.has(err.code);
}

/** Token verification failed: bad signature, issuer, audience, expiry, nonce or token use. */
export class TokenValidationError extends AppError {
  override name = 'TokenValidationError';
  constructor(message: string, cause?: unknown) {
    super('auth_token_invalid', message, { cause });
  }
}
