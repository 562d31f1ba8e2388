import type { Request, Response } from 'express';
import { displayNameOf } from '../cognito/federation';
import type { MountUrls } from '../urls/mount-urls';
import { peekState, type SignInScope } from '../auth/session-state';
import { applyLocale, languageSwitchHref, type Locale, type LocaleChoice, type MessageKey } from '../i18n';
import { HOSTED_UI_PATHS } from './routes/auth';
import { mayReadMailbox } from './routes/dev-mailbox';

/**
 * Notices a page may show from `?notice=` (after the session that could carry them has ended). A Map:
 * the key comes from the URL, and `?notice=__proto__` must find nothing.
 */
const QUERY_NOTICES: ReadonlyMap<string, MessageKey> = new Map([
  ['account_deleted', 'notice.account_deleted'],
  ['session_expired', 'error.session_expired'],
  ['signed_out_everywhere', 'notice.signed_out_everywhere'],
  ['signed_in_required', 'notice.signed_in_required'],
  ['signed_out', 'notice.signed_out'],
]);

/** What the helpers views get are made from. */
export interface ViewLocalsDeps {
  urls: MountUrls;
  /** Whose sign-in the pages show (the router's). */
  scope: SignInScope;
  homePath: string;
  /** The product name in the header and titles; undefined: the catalogue's `app.name` in each language. */
  appName: string | undefined;
  /** Whether the sign-up page is on (the header links to it). */
  signUp: boolean;
  emulator: boolean;
  mailboxEnabled: boolean;
  mailboxOpen: boolean;
  locale: LocaleChoice;
  /** The CSRF token of this response's forms (router/csrf.ts: signed out, a cookie; signed in, the session's). */
  csrfToken: (req: Request, res: Response) => string;
}

const PREPARED = Symbol('express-cognito-signin.view-locals');

/**
 * Gives the templates their helpers on `res.locals`, once per response: `t` and `locale`, `url(path)`
 * (a package path where the router is mounted), `homeUrl`, `user`, `csrfToken()`, `languageHref(locale)`,
 * `takeNotice()`, `providerLabel(name)` (`Apple` for `SignInWithApple`), `emulator` and `mailbox`. All lazy, and none
 * stores a session: a signed-out form's CSRF token lives in a cookie.
 */
export function prepareViewLocals(req: Request, res: Response, deps: ViewLocalsDeps): void {
  const locals = res.locals as Record<string | symbol, unknown>;
  if (locals[PREPARED] === deps) return;
  locals[PREPARED] = deps;
  if (typeof locals.t !== 'function') applyLocale(req, res, deps.locale);
  const { urls } = deps;
  locals.url = urls.to;
  locals.homeUrl = deps.homePath;
  locals.appName = deps.appName;
  locals.signUpEnabled = deps.signUp;
  locals.user = peekState(req, deps.scope)?.user;
  locals.emulator = deps.emulator;
  locals.providerLabel = displayNameOf;
  locals.csrfToken = () => deps.csrfToken(req, res);
  locals.languageHref = (locale: Locale) => languageHrefOf(req.baseUrl + req.path, locale, deps);
  // The link shows only where the page answers this client.
  locals.mailbox = deps.mailboxEnabled && mayReadMailbox(req, deps.mailboxOpen);
  // One-shot notices: from the session (set before a redirect), or a few fixed ones by query key.
  locals.takeNotice = () => {
    const state = peekState(req, deps.scope);
    const fromSession = state?.notice;
    if (fromSession && state) delete state.notice;
    const fromQuery = (req.query as Record<string, unknown>).notice;
    return fromSession ?? (typeof fromQuery === 'string' ? QUERY_NOTICES.get(fromQuery) : undefined);
  };
}

/** The language link for the page at `page` (a full request path). */
export function languageHrefOf(page: string, locale: Locale, deps: Pick<ViewLocalsDeps, 'urls' | 'homePath'>): string {
  return languageSwitchHref(page, locale, { hostedUiPaths: HOSTED_UI_PATHS.map((p) => deps.urls.to(p)), home: deps.homePath });
}
