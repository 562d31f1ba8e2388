import type { Request } from 'express';

/**
 * The logger the package writes to: pino's interface (pino, or anything with the same four methods).
 * Messages carry codes and names, never tokens, passwords, codes or what a person typed.
 */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that writes nothing: the default when the host passes none. */
export const SILENT_LOGGER: LoggerLike = { debug() {}, info() {}, warn() {}, error() {} };

const INSTANCE_LOGGER = Symbol('express-cognito-signin.logger');

type WithLoggers = Request & { log?: LoggerLike; [INSTANCE_LOGGER]?: LoggerLike };

/** Lets {@link logOf} find the router's own logger for this request. */
export function attachLogger(req: Request, logger: LoggerLike): void {
  (req as WithLoggers)[INSTANCE_LOGGER] = logger;
}

/**
 * Where this request's lines go: the host's request logger when it has one (pino-http's `req.log`, which
 * carries the request id), else the logger given to `cognitoAuth()`, else nowhere.
 */
export function logOf(req: Request): LoggerLike {
  const r = req as WithLoggers;
  return r.log ?? r[INSTANCE_LOGGER] ?? SILENT_LOGGER;
}
