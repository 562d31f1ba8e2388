import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { logOf } from '../log';
import { CognitoAuthError, isConfigurationError } from '../errors';
import type { Locale, MessageKey } from '../i18n';
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
      // Being retried: the browser (or a person) may try again shortly; the limiter set its own for 429.
      if (status === 503 && !res.get('Retry-After')) res.set('Retry-After', String(RETRY_AFTER_503_SECONDS));
      const locals = {
        code,
        status,
        detail: authError.detail,
        requestId: (req as { id?: unknown }).id,
        ...nextStepOf(req, authError, status, deps.locals),
      };
      deps.renderer.page(req, res, 'error', status, locals).catch((renderErr: unknown) => sendPlainText(req, res, status, renderErr));
    } catch (renderErr) {
      sendPlainText(req, res, status, renderErr);
    }
  };
}

/** What a 503 page's `Retry-After` says, in seconds: the store and Cognito clients reconnect by themselves. */
const RETRY_AFTER_503_SECONDS = 10;

/** The error page's own title and next step for the cases a person meets (catalogue keys and links). */
export interface NextStep {
  titleKey: MessageKey;
  /** 429: the real wait, in whole minutes (at least 1), where the limiter said. */
  waitMinutes?: number | undefined;
  /** 429 on wrong passwords: the password-reset page. */
  resetPasswordUrl?: string | undefined;
  /** 403 on an expired form: the form's own page (a GET of the posted path). */
  formUrl?: string | undefined;
  /** 503: reload this page. */
  reloadUrl?: string | undefined;
}

/** The title and next step of the page for `err`: each case a person meets says what happened and what to do. */
export function nextStepOf(req: Request, err: CognitoAuthError, status: number, locals: Pick<ViewLocalsDeps, 'urls'>): NextStep {
  switch (err.code) {
    case 'not_found':
      return { titleKey: 'errorPage.title.not_found' };
    case 'csrf_invalid':
      // The form's page is a GET of the path it posted to (every form page of the package is).
      return { titleKey: 'errorPage.title.csrf_invalid', formUrl: req.method === 'POST' ? req.baseUrl + req.path : undefined };
    case 'rate_limited':
    case 'too_many_attempts': {
      const seconds = err.retryAfterSeconds;
      return {
        titleKey: 'errorPage.title.rate_limited',
        waitMinutes: seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds / 60)),
        resetPasswordUrl: err.limit === 'sign_in_failures' ? locals.urls.to('/password/forgot') : undefined,
      };
    }
    default:
      if (status === 503) return { titleKey: 'errorPage.title.unavailable', reloadUrl: req.method === 'GET' ? req.originalUrl : undefined };
      return { titleKey: 'error.title' };
  }
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
    const given = (req as { id?: unknown }).id;
    const id = typeof given === 'string' || typeof given === 'number' ? String(given).slice(0, 100) : '';
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
