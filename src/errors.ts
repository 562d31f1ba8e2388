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
  'reauthentication_required',
  // Confirming a sign-up that is already confirmed (Cognito: NotAuthorizedException, "Current status is CONFIRMED").
  'already_confirmed',
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

/**
 * Codes of a host's set-up mistakes (never a visitor's): thrown by `cognitoAuth()` or passed on from its
 * middleware. Pages show them as `internal`; the log and the thrown error name the fix.
 */
export const CONFIGURATION_ERROR_CODES = [
  /** An option is missing or invalid (thrown by `cognitoAuth()`, naming each one). */
  'invalid_options',
  /** No `session` option and no `req.session` from the host's express-session. */
  'session_missing',
  /** A `session` option while another express-session already ran on the request. */
  'session_conflict',
  /** The router is mounted somewhere else than its `mountPath` option says. */
  'mount_mismatch',
  /** `requiresAuth()` ran on a request that `auth.context()` has not seen. */
  'context_missing',
] as const;

/** Every code a {@link CognitoAuthError} can carry; callers `switch` on it. */
export type ErrorCode = (typeof ERROR_CODES)[number] | (typeof CONFIGURATION_ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  invalid_options: 500,
  session_missing: 500,
  session_conflict: 500,
  mount_mismatch: 500,
  context_missing: 500,
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
  // A sensitive change by a federated account without a recent sign-in: sign in again first.
  reauthentication_required: 403,
  already_confirmed: 409,
};

/** The rate limits a `rate_limited` error can name. */
export type RateLimitName = 'requests' | 'sign_in_failures' | 'sign_in_starts' | 'code_failures';

/**
 * The package's error: a fixed string `code` to `switch` on, and the HTTP `status` its error page answers
 * with. Failures a visitor can meet carry a code from {@link ERROR_CODES} (with a message in both
 * languages); a host's set-up mistakes one from {@link CONFIGURATION_ERROR_CODES}.
 */
export class CognitoAuthError extends Error {
  override name = 'CognitoAuthError';
  readonly status: number;
  /** Text from Cognito to show the person as is (the view escapes it), e.g. an `error_description`. */
  readonly detail: string | undefined;
  /** `invalid_options`: one line per bad option, each starting with the option's path. */
  readonly problems: readonly string[];
  /** `rate_limited`: how long until the limit lets the next request through, in seconds, where known. */
  readonly retryAfterSeconds: number | undefined;
  /** `rate_limited`: which limit refused, so the page can name the way out (`sign_in_failures`: reset the password). */
  readonly limit: RateLimitName | undefined;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: {
      cause?: unknown;
      status?: number;
      detail?: string | undefined;
      problems?: readonly string[];
      retryAfterSeconds?: number | undefined;
      limit?: RateLimitName | undefined;
    },
  ) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? STATUS[code];
    this.detail = options?.detail;
    this.problems = options?.problems ?? [];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.limit = options?.limit;
  }
}

const FORM_ERRORS = new Set<ErrorCode>(FORM_ERROR_CODES);

/** True for an error that belongs beside the form rather than on the error page. */
export function isFormError(err: unknown): err is CognitoAuthError {
  return err instanceof CognitoAuthError && FORM_ERRORS.has(err.code);
}

const CONFIGURATION_ERRORS = new Set<ErrorCode>(CONFIGURATION_ERROR_CODES);

/** True for a host's set-up mistake (shown to visitors as `internal`). */
export function isConfigurationError(err: CognitoAuthError): boolean {
  return CONFIGURATION_ERRORS.has(err.code);
}

/** Token verification failed: bad signature, issuer, audience, expiry, nonce or token use. */
export class TokenValidationError extends CognitoAuthError {
  override name = 'TokenValidationError';
  constructor(message: string, cause?: unknown) {
    super('auth_token_invalid', message, { cause });
  }
}
