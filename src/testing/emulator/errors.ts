/**
 * Why the emulator could not be started or reached: one class per failure, each with a fixed `code` to
 * `switch` on (`startEmulator()`, `waitForEmulator()`, `assertPortFree()`, and so `startCognitoLocal()`).
 */

/** The codes of {@link EmulatorError}. */
export type EmulatorErrorCode = 'port_in_use' | 'not_ready' | 'exited';

/** The emulator could not be started or reached. Switch on `code`. */
export abstract class EmulatorError extends Error {
  abstract readonly code: EmulatorErrorCode;
}

/** The message with where the emulator's own output went, when there is such a file. */
function seeLog(message: string, logFile: string | undefined): string {
  return logFile === undefined ? message : `${message}; see ${logFile}`;
}

/**
 * `port_in_use`: another process already listens on `host:port`. The caller knows which setting chose the
 * port and names it; `detail` is the operating system's address-in-use message.
 */
export class PortInUseError extends EmulatorError {
  override name = 'PortInUseError';
  readonly code = 'port_in_use';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly detail: string,
  ) {
    super(`port ${port} on ${host} is already in use (${detail})`);
  }
}

/**
 * `not_ready`: the emulator at `url` did not answer its health check within `timeoutMs`, or the wait was
 * given up for `reason`.
 */
export class EmulatorNotReadyError extends EmulatorError {
  override name = 'EmulatorNotReadyError';
  readonly code = 'not_ready';

  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    options: { reason?: string | undefined; logFile?: string | undefined } = {},
  ) {
    super(seeLog(options.reason ?? `cognito-local did not answer on ${url} within ${timeoutMs} ms`, options.logFile));
  }
}

/** `exited`: the emulator's process ended before it answered (`exitCode` null: a signal ended it); its log says why. */
export class EmulatorExitedError extends EmulatorError {
  override name = 'EmulatorExitedError';
  readonly code = 'exited';

  constructor(
    readonly exitCode: number | null,
    readonly logFile: string,
  ) {
    super(seeLog(`cognito-local exited (code ${exitCode}) before it was ready`, logFile));
  }
}
