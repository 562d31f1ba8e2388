import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * Paths pino removes from every log line, wherever they appear. Request lines carry no query string
 * and no headers at all (see {@link createHttpLogger}); this list is the second line of defence.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordConfirm',
  'code',
  'token',
  'tokens',
  'idToken',
  'accessToken',
  'refreshToken',
  'id_token',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'SECRET_HASH',
  'cookie',
  'authorization',
  '_csrf',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/** Creates the app logger. Tests pass a `destination` to read what was logged. */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined },
    options.destination,
  );
}

/**
 * Request logging with a request id on every line (also sent as `X-Request-Id` and shown on error
 * pages). A request is logged as method, path and status only: the query string is dropped because the
 * callback's carries the authorization code and state.
 */
export function createHttpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error & { code?: unknown }) => ({ type: err.name, code: err.code, message: err.message, stack: err.stack }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
}
