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
  'internal',
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
  internal: 500,
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

/** Token verification failed: bad signature, issuer, audience, expiry, nonce or token use. */
export class TokenValidationError extends AppError {
  override name = 'TokenValidationError';
  constructor(message: string, cause?: unknown) {
    super('auth_token_invalid', message, { cause });
  }
}
