import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { createTranslator } from '../i18n';

/** Anything no route answered: the 404 page. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found'));
}

/**
 * The one error page for every failure: a status, a human message from the catalogue, an optional
 * message from Cognito (escaped by the view), and the request id. Never a stack trace on the page.
 */
export function errorPage(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = toAppError(err);
  const log = req.log;
  if (appError.code === 'internal') {
    // A bug: the whole error, stack included, goes to the log (never to the page).
    log?.error({ err: appError.cause ?? appError }, 'request failed');
  } else {
    // An expected failure: our own message and the cause's name only. A cause's message can carry what
    // a person typed or what Cognito said about them.
    const causeName = (appError.cause as { name?: unknown } | undefined)?.name;
    const entry = { errCode: appError.code, reason: appError.message, ...(typeof causeName === 'string' ? { causeName } : {}) };
    if (appError.status >= 500) log?.error(entry, 'request failed');
    else log?.warn(entry, 'request refused');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  // The failure may have happened before the middleware that sets these ran.
  const locals = res.locals;
  locals.t ??= createTranslator('en');
  locals.locale ??= 'en';
  locals.user = req.session ? req.user : undefined;
  locals.emulator ??= false;
  // The language links lead to a GET of the same page; after a failed POST there is none: the start page.
  locals.currentPath = req.method === 'GET' ? req.path : '/';
  locals.csrfToken ??= () => '';
  locals.takeNotice ??= () => undefined;
  locals.mailbox ??= false;
  res.status(appError.status).render('error', {
    code: appError.code,
    status: appError.status,
    detail: appError.detail,
    requestId: req.id,
  });
}

/** Maps whatever was thrown (our errors, body-parser's, csrf-sync's, http-errors) onto an {@link AppError}. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown };
  if (e?.code === 'EBADCSRFTOKEN') return new AppError('csrf_invalid', 'CSRF token missing or wrong');
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new AppError('bad_request', (err as Error).message, { status, cause: err });
  }
  return new AppError('internal', (err as Error)?.message ?? 'unknown error', { cause: err });
}
