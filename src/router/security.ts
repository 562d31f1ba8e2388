import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers of the package's own pages: a strict CSP (everything from this origin; forms may also
 * lead to Cognito's pages, which Chrome checks through the redirects a form submission leads to), no
 * referrer, no framing, and HSTS in production.
 *
 * @param cognitoOrigin - the Hosted UI's origin (its authorize endpoint).
 */
export function securityHeaders(options: { cognitoOrigin: string; production: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
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
}

/** Pages that show a person's data are never stored by browsers or proxies. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
