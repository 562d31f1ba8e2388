import { hkdfSync, randomBytes } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import { doubleCsrf } from 'csrf-csrf';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { peekState, sessionState, signedInOf, type SignInScope } from '../auth/session-state';
import { CognitoAuthError } from '../errors';

/** How one router protects its forms. */
export interface CsrfSettings {
  /** Whose sign-in decides the kind of token (the router's). */
  scope: SignInScope;
  /**
   * What the signed-out forms' cookie is signed with (a list rotates: the first signs, all verify): the
   * session secret. Undefined: a secret of this process's own (outside production only).
   */
  secret: string | string[] | undefined;
  /** The session cookie's name: the CSRF cookie is named after it. */
  sessionCookieName: string;
  /** `Secure` cookies (production): the CSRF cookie then takes the `__Host-` prefix. */
  secure: boolean;
}

/** The CSRF protection of a router's forms. */
export interface CsrfProtection {
  /** Refuses (403 `csrf_invalid`) a POST, PUT, PATCH or DELETE without the right token. */
  protect: RequestHandler;
  /** The token for the forms of this response (the same however often it is asked for). */
  tokenFor: (req: Request, res: Response) => string;
  /** Gives a session that has just signed in its own new synchronizer token (stored with the sign-in). */
  rotate: (req: Request) => void;
}

/** Methods that change nothing, and so carry no token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where a cookie that must not be sent goes. */
const UNSENT = { cookie: () => UNSENT } as unknown as Response;

/** The HMAC message's session part for signed-out visitors: they have no session to bind a token to. */
const SIGNED_OUT = 'signed-out';

/** Domain separation: the CSRF key is derived from the session secret, never the secret itself. */
const KEY_INFO = 'express-cognito-signin/csrf-csrf/v1';

/**
 * One secret per process for routers on the host's session that were given none (outside production).
 * Made on first use, never at module load; shared, so that several such routers accept one cookie.
 */
let processSecret: string | undefined;

/** The CSRF cookie's name (before its `__Host-` prefix) from the session cookie's: `cognito.sid` → `cognito.csrf`, `sid` → `sid.csrf`. */
export function csrfCookieNameOf(sessionCookieName: string): string {
  return sessionCookieName.endsWith('.sid') ? `${sessionCookieName.slice(0, -'.sid'.length)}.csrf` : `${sessionCookieName}.csrf`;
}

/** The CSRF key derived from one session secret (HKDF-SHA256). */
function csrfKeyOf(secret: string): string {
  return Buffer.from(hkdfSync('sha256', secret, '', KEY_INFO, 32)).toString('hex');
}

/**
 * Decides per request which protection applies, and checks it:
 *
 * - **Signed out** (nobody signed in at this router): a signed double-submit cookie (csrf-csrf). The
 *   token is in an HttpOnly, SameSite=Lax cookie (`__Host-` when Secure) and in the form; a POST must
 *   carry both, equal, with a valid HMAC. Nothing is stored: viewing a form writes no session.
 * - **Signed in**: the synchronizer token (csrf-sync), kept in the router's session state, bound to that
 *   session; a new one with every sign-in ({@link CsrfProtection.rotate}).
 *
 * A token of one kind never passes where the other applies: a signed-out form posted after signing in
 * (in another tab) is refused as expired, and so is a signed-in form after the sign-in ended. A request
 * that the browser marks cross-site (`Sec-Fetch-Site`) is refused whatever it carries.
 */
export function createCsrfProtection(settings: CsrfSettings): CsrfProtection {
  const { scope } = settings;
  const secrets = settings.secret === undefined ? [(processSecret ??= randomBytes(32).toString('hex'))] : [settings.secret].flat();
  const keys = secrets.map(csrfKeyOf);
  // Secure (production): `__Host-`, so that no other host of the site (a sibling subdomain) can set it.
  const named = csrfCookieNameOf(settings.sessionCookieName.replace(/^__Host-/, ''));
  const cookieName = settings.secure ? `__Host-${named}` : named;
  // A form's `_csrf` field; a script's fetch() may send it as `X-CSRF-Token` instead.
  const tokenOf = (req: Request) => {
    const field = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof field === 'string' ? field : req.headers['x-csrf-token'];
  };

  const signedOut = doubleCsrf({
    getSecret: () => keys,
    getSessionIdentifier: () => SIGNED_OUT,
    cookieName,
    cookieOptions: { sameSite: 'lax', secure: settings.secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: tokenOf,
  });
  const signedIn = csrfSync({
    size: 32,
    getTokenFromRequest: tokenOf,
    getTokenFromState: (req) => peekState(req, scope)?.csrfToken,
    storeTokenInState: (req, token) => {
      if (token) sessionState(req, scope).csrfToken = token;
      else delete peekState(req, scope)?.csrfToken;
    },
  });

  // csrf-csrf reads `req.cookies`; the package parses its cookie itself rather than set `req.cookies`
  // on the host's request (a cookie-parser later in the host's chain would then skip its own parsing).
  const withCookies = (req: Request): Request => Object.create(req, { cookies: { value: parseCookies(req.headers.cookie ?? '') } }) as Request;
  const issued = new WeakMap<Request, { signedIn: boolean; token: string }>();

  return {
    protect(req: Request, _res: Response, next: NextFunction) {
      if (SAFE_METHODS.has(req.method)) return next();
      const valid =
        req.headers['sec-fetch-site'] !== 'cross-site' &&
        (signedInOf(req, scope) ? signedIn.isRequestValid(req) : signedOut.validateRequest(withCookies(req)));
      next(valid ? undefined : new CognitoAuthError('csrf_invalid', 'CSRF token missing or wrong'));
    },
    tokenFor: (req: Request, res: Response): string => {
      const now = signedInOf(req, scope) !== undefined;
      const before = issued.get(req);
      if (before?.signedIn === now) return before.token;
      // The cookie's token is reused while it is valid: every open tab's form stays good.
      // As express-session does: no Secure cookie over plain http (a proxy not trusted to say https).
      const to = settings.secure && !req.secure ? UNSENT : res;
      const token = now ? signedIn.generateToken(req) : signedOut.generateCsrfToken(withCookies(req), to);
      issued.set(req, { signedIn: now, token });
      return token;
    },
    rotate: (req: Request) => {
      signedIn.generateToken(req, true);
      issued.delete(req);
    },
  };
}
