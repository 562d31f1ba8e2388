/**
 * What a session-store operation can fail with before the store itself answers: one class per failure,
 * each with a fixed `code` to `switch` on. Pages never show these: wherever a request meets one, it is the
 * `cause` of the `session_store_unavailable` `CognitoAuthError` (the 503 page).
 */

/** The codes of {@link SessionStoreError}. */
export type SessionStoreErrorCode = 'store_timeout' | 'store_failing';

/** A session-store operation that got no answer from the store. Switch on `code`. */
export abstract class SessionStoreError extends Error {
  abstract readonly code: SessionStoreErrorCode;

  constructor(
    /** The store operation: `get`, `set`, `destroy`, `touch`, `all`, `length` or `clear`. */
    readonly operation: string,
    message: string,
  ) {
    super(message);
  }
}

/** `store_timeout`: the store did not answer within its time limit (a hung Redis, a locked SQLite file). */
export class SessionStoreTimeoutError extends SessionStoreError {
  override name = 'SessionStoreTimeoutError';
  readonly code = 'store_timeout';

  constructor(
    operation: string,
    /** The time limit that passed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(operation, `session store did not answer ${operation} within ${timeoutMs} ms`);
  }
}

/**
 * `store_failing`: the store failed a moment ago, so the operation was not tried (for a second after a
 * failure, operations fail at once instead of each waiting out the time limit).
 */
export class SessionStoreFailingError extends SessionStoreError {
  override name = 'SessionStoreFailingError';
  readonly code = 'store_failing';

  constructor(operation: string) {
    super(operation, `session store failed a moment ago; ${operation} not tried`);
  }
}
