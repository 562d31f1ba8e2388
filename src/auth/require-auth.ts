import type { NextFunction, Request, Response } from 'express';

/**
 * Guards pages for signed-in people. Anyone else is sent to the sign-in page, which brings them back
 * here afterwards (a GET keeps its path as `returnTo`).
 */
export function requireAuth(req: Request, res: Response, next: NextFunction): void {
  if (req.user && req.session.tokens) {
    next();
    return;
  }
  const target = req.method === 'GET' ? `/login?returnTo=${encodeURIComponent(req.originalUrl)}` : '/login';
  res.redirect(303, target);
}
