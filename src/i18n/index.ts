import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { safeReturnTo } from '../urls/return-to';
import { en, type MessageKey } from './en';
import { ja } from './ja';

export type { MessageKey } from './en';

/** Languages the app speaks, the first being the fallback. */
export const LOCALES = ['en', 'ja'] as const;
/** A language of the package's pages: `en` or `ja`. */
export type Locale = (typeof LOCALES)[number];

/** Cookie that keeps a person's language choice. */
export const LOCALE_COOKIE = 'lang';

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, ja };

/** Looks up a message and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A catalogue's own entry for `key` (never an `Object.prototype` member such as `__proto__`). */
function messageOf(catalogue: Record<string, string>, key: unknown): string | undefined {
  return typeof key === 'string' && Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
}

/**
 * Returns the translate function for one locale. A key missing from the catalogue (a bug, or a key
 * that came from outside) falls back to English, then to the key itself: never a throw.
 */
export function createTranslator(locale: Locale): Translate {
  const catalogue = isLocale(locale) ? CATALOGUES[locale] : en;
  return (key, params) => {
    const message = messageOf(catalogue, key) ?? messageOf(en, key) ?? (typeof key === 'string' ? key : '');
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => (params && Object.hasOwn(params, name) ? String(params[name]) : whole));
  };
}

/**
 * The link that shows the page at `path` (a request path) in `locale`. Whatever the path holds, the link
 * stays on the origin: anything but a plain same-origin path (`//evil.example`, `/\evil`, their encoded
 * and dot-segment forms) becomes the start page, and so do the Hosted UI routes, which would start or
 * finish a sign-in.
 *
 * @param options.hostedUiPaths - where the Hosted UI routes are (`<mount>/login/hosted`, `<mount>/callback`);
 *   default at the root.
 * @param options.home - the start page; default `/`.
 */
export function languageSwitchHref(path: string, locale: Locale, options: { hostedUiPaths?: readonly string[]; home?: string } = {}): string {
  const home = options.home ?? '/';
  const safe = safeReturnTo(path);
  const page = safe === undefined ? home : new URL(safe, 'http://same-origin.invalid').pathname;
  const lower = page.toLowerCase();
  const avoided = (options.hostedUiPaths ?? ['/login/hosted', '/callback']).map((p) => p.toLowerCase());
  const target = avoided.some((p) => lower === p || lower.startsWith(`${p}/`)) ? home : page;
  return `${target}?lang=${encodeURIComponent(locale)}`;
}

/** True for a language the package speaks. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** How a router picks the language of its pages. */
export interface LocaleChoice {
  /** The languages offered, the first being the fallback. */
  languages: readonly Locale[];
  /** The host's own choice; wins whenever it returns one of `languages`. */
  choose?: ((req: Request) => Locale | undefined) | undefined;
  /** The `lang` cookie is `Secure` (production). */
  secureCookie: boolean;
}

/**
 * Picks the page language: the host's `choose`, else `?lang=` (and remembers it in a cookie), else the
 * cookie, else `Accept-Language`, else the first language offered. Sets `res.locals.locale` and
 * `res.locals.t` for views and handlers.
 */
export function applyLocale(req: Request, res: Response, choice: LocaleChoice): void {
  const offered = (value: unknown): value is Locale => isLocale(value) && choice.languages.includes(value);
  const chosen = choice.choose?.(req);
  const requested = (req.query as Record<string, unknown>).lang;
  let locale: Locale;
  if (offered(chosen)) {
    locale = chosen;
  } else if (offered(requested)) {
    locale = requested;
    res.cookie(LOCALE_COOKIE, locale, {
      maxAge: 365 * 24 * 60 * 60 * 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: choice.secureCookie,
    });
  } else {
    const cookie = parseCookie(req.headers.cookie ?? '')[LOCALE_COOKIE];
    locale = offered(cookie) ? cookie : ((req.acceptsLanguages(...choice.languages) || choice.languages[0]) as Locale);
  }
  res.locals.locale = locale;
  res.locals.t = createTranslator(locale);
}

/** {@link applyLocale} as middleware, offering every language the package speaks. */
export function localeMiddleware(options: { secureCookie: boolean; languages?: readonly Locale[]; choose?: LocaleChoice['choose'] }) {
  const choice: LocaleChoice = { languages: options.languages ?? LOCALES, choose: options.choose, secureCookie: options.secureCookie };
  return (req: Request, res: Response, next: NextFunction): void => {
    applyLocale(req, res, choice);
    next();
  };
}
