import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { logOf } from '../log';
import { CognitoAuthError, isConfigurationError } from '../errors';
import type { Locale } from '../i18n';
import type { Renderer } from './render';
import { languageHrefOf, prepareViewLocals, type ViewLocalsDeps } from './view-locals';

/** Anything no route answered: the 404 page (opt-in for hosts: `auth.notFound()`). */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new CognitoAuthError('not_found'));
};

/**
 * Creates the one error page for every failure: a status, a human message from the catalogue, an
 * optional message from Cognito (escaped by the view), and the request id. Never a stack trace on the
 * page; a host's set-up mistake shows as `internal` (the log names it). The page itself cannot fail: if
 * rendering it throws, a plain-text page with the status and the request id is the last resort.
 */
export function createErrorPage(deps: { renderer: Renderer; locals: ViewLocalsDeps }): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const authError = toCognitoAuthError(err);
    const status = errorStatusOf(authError.status);
    logFailure(req, authError, status);
    if (res.headersSent) {
      res.end();
      return;
    }
    try {
      prepareViewLocals(req, res, deps.locals);
      // The language links lead to a GET of the same page; after a failed POST there is none: the start page.
      const page = req.method === 'GET' ? req.baseUrl + req.path : deps.locals.homePath;
      res.locals.languageHref = (locale: Locale) => languageHrefOf(page, locale, deps.locals);
      // The error page shows the error only; a pending notice waits for the next page.
      res.locals.takeNotice = () => undefined;
      const code = isConfigurationError(authError) ? 'internal' : authError.code;
      const locals = { code, status, detail: authError.detail, requestId: (req as { id?: unknown }).id };
      deps.renderer.page(req, res, 'error', status, locals).catch((renderErr: unknown) => sendPlainText(req, res, status, renderErr));
    } catch (renderErr) {
      sendPlainText(req, res, status, renderErr);
    }
  };
}

/** An error page's status: the error's own when it is an HTTP error status (400–599), else 500. */
export function errorStatusOf(status: unknown): number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

function logFailure(req: Request, authError: CognitoAuthError, status: number): void {
  const log = logOf(req);
  if (authError.code === 'internal' || isConfigurationError(authError)) {
    // A bug or a set-up mistake: the whole error, stack included, goes to the log (never to the page).
    log.error({ err: authError.cause ?? authError, errCode: authError.code }, 'request failed');
  } else {
    // An expected failure: our own message and the cause's name only. A cause's message can carry what
    // a person typed or what Cognito said about them.
    const causeName = (authError.cause as { name?: unknown } | undefined)?.name;
    const entry = { errCode: authError.code, reason: authError.message, ...(typeof causeName === 'string' ? { causeName } : {}) };
    if (status >= 500) log.error(entry, 'request failed');
    else log.warn(entry, 'request refused');
  }
}

/**
 * The last resort when the error page itself fails: plain text, nothing that can throw (the status is
 * checked again, a request id of any type is cut to a short string, and a failure here only ends the
 * response).
 */
function sendPlainText(req: Request, res: Response, status: number, renderErr: unknown): void {
  try {
    logOf(req).error({ err: renderErr }, 'error page failed');
  } catch {
    // Nothing to do: the page matters more than the log line.
  }
  try {
    if (res.headersSent) {
      res.end();
      return;
    }
    const safe = errorStatusOf(status);
    const id = String((req as { id?: unknown }).id ?? '').slice(0, 100);
    res.status(safe).type('text/plain; charset=utf-8');
    res.send(`${safe} ${STATUS_CODES[safe] ?? 'Error'}\nRequest id: ${id}\n`);
  } catch {
    res.destroy();
  }
}

/** Maps whatever was thrown (our errors, body-parser's, csrf-sync's, http-errors) onto an {@link CognitoAuthError}. */
export function toCognitoAuthError(err: unknown): CognitoAuthError {
  if (err instanceof CognitoAuthError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown };
  if (e?.code === 'EBADCSRFTOKEN') return new CognitoAuthError('csrf_invalid', 'CSRF token missing or wrong');
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new CognitoAuthError('bad_request', (err as Error).message, { status, cause: err });
  }
  return new CognitoAuthError('internal', (err as Error)?.message ?? 'unknown error', { cause: err });
}
