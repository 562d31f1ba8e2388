import { STATUS_CODES } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { createTranslator, languageSwitchHref, type Locale } from '../i18n';

/** Anything no route answered: the 404 page. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found'));
}

/**
 * The one error page for every failure: a status, a human message from the catalogue, an optional
 * message from Cognito (escaped by the view), and the request id. Never a stack trace on the page. The
 * page itself cannot fail: if rendering it throws, a plain-text page with the status and the request id
 * is the last resort.
 */
export function errorPage(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = toAppError(err);
  logFailure(req, appError);
  if (res.headersSent) {
    res.end();
    return;
  }
  try {
    prepareLocals(req, res);
    const locals = { code: appError.code, status: appError.status, detail: appError.detail, requestId: req.id };
    res.status(appError.status).render('error', locals, (renderErr: Error | null, html?: string) => {
      if (renderErr) return sendPlainText(req, res, appError.status, renderErr);
      res.send(html);
    });
  } catch (renderErr) {
    sendPlainText(req, res, appError.status, renderErr);
  }
}

function logFailure(req: Request, appError: AppError): void {
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
}

/** What the layout needs; the failure may have happened before the middleware that sets these ran. */
function prepareLocals(req: Request, res: Response): void {
  const locals = res.locals;
  locals.t ??= createTranslator('en');
  locals.locale ??= 'en';
  locals.user = req.session ? req.user : undefined;
  locals.emulator ??= false;
  // The language links lead to a GET of the same page; after a failed POST there is none: the start page.
  const page = req.method === 'GET' ? req.path : '/';
  locals.languageHref = (locale: Locale) => languageSwitchHref(page, locale);
  locals.csrfToken ??= () => '';
  // The error page shows the error only; a pending notice waits for the next page.
  locals.takeNotice = () => undefined;
  locals.mailbox ??= false;
}

/** The last resort when the error page itself fails: plain text, nothing that can throw. */
function sendPlainText(req: Request, res: Response, status: number, renderErr: unknown): void {
  req.log?.error({ err: renderErr }, 'error page failed');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).type('text/plain; charset=utf-8');
  res.send(`${status} ${STATUS_CODES[status] ?? 'Error'}\nRequest id: ${String(req.id ?? '')}\n`);
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
