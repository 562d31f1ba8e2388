import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { en, type MessageKey } from './en';
import { ja } from './ja';

export type { MessageKey } from './en';

/** Languages the app speaks, the first being the fallback. */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** Cookie that keeps a person's language choice. */
export const LOCALE_COOKIE = 'lang';

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, ja };

/** Looks up a message and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Returns the translate function for one locale. */
export function createTranslator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the page language: `?lang=` (and remembers it in a cookie), else the cookie, else
 * `Accept-Language`, else English. Sets `res.locals.locale` and `res.locals.t` for views and handlers.
 */
export function localeMiddleware(options: { secureCookie: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requested = (req.query as Record<string, unknown>).lang;
    let locale: Locale;
    if (isLocale(requested)) {
      locale = requested;
      res.cookie(LOCALE_COOKIE, locale, {
        maxAge: 365 * 24 * 60 * 60 * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookie,
      });
    } else {
      const cookie = parseCookie(req.headers.cookie ?? '')[LOCALE_COOKIE];
      locale = isLocale(cookie) ? cookie : ((req.acceptsLanguages(...LOCALES) || LOCALES[0]) as Locale);
    }
    res.locals.locale = locale;
    res.locals.t = createTranslator(locale);
    next();
  };
}
