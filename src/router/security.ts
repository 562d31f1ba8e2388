import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Bytes of randomness in a CSP nonce (128 bits, as CSP Level 3 asks for at least). */
const NONCE_BYTES = 16;

/** The nonce source of this response's policy (`'nonce-…'`), from the nonce {@link securityHeaders} made. */
function nonceSource(_req: IncomingMessage, res: ServerResponse): string {
  return `'nonce-${(res as Response).locals.cspNonce as string}'`;
}

/**
 * Security headers of the package's own pages: a strict CSP (everything from this origin; forms may also
 * lead to Cognito's pages, which Chrome checks through the redirects a form submission leads to), no
 * referrer, no framing, and HSTS in production.
 *
 * Every response gets a fresh nonce (from node:crypto), allowed in `script-src` and `style-src` and given
 * to the page as `res.locals.cspNonce` (and to a host layout as `page.cspNonce`): an inline
 * `<script nonce="…">` or `<style nonce="…">` of the host's runs, any other inline script or style does not.
 *
 * @param cognitoOrigin - the Hosted UI's origin (its authorize endpoint).
 */
export function securityHeaders(options: { cognitoOrigin: string; production: boolean }): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonceSource],
        styleSrc: ["'self'", nonceSource],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", options.cognitoOrigin],
        ...(options.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.production ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    res.locals.cspNonce = randomBytes(NONCE_BYTES).toString('base64');
    headers(req, res, next);
  };
}

/** Pages that show a person's data are never stored by browsers or proxies. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
