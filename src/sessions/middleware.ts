import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { AppConfig } from '../config';
import { AppError } from '../errors';
import { anonymousSessionLifetime, sessionLifetime, type Clock } from './lifetime';

/**
 * express-session with the app's cookie and lifetimes. A failing store (Redis down) turns into a 503
 * page instead of a 500: the process lives on and serves again once the store is back.
 */
export function createSessionMiddleware(deps: {
  config: Pick<AppConfig, 'env' | 'trustProxy' | 'session'>;
  store: session.Store;
  secret: string;
  clock: Clock;
}): RequestHandler[] {
  const { config } = deps;
  const handler = session({
    name: config.session.cookieName,
    secret: deps.secret,
    store: deps.store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.trustProxy,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.env === 'production',
      path: '/',
      maxAge: config.session.idleTimeoutSeconds * 1000,
    },
  });
  const withStoreErrors = (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res, (err?: unknown) => {
      if (err && res.headersSent) {
        // express-session saves at the end of the response: the page is on its way and cannot change.
        const causeName = (err as { cause?: { name?: unknown } }).cause?.name ?? (err as { name?: unknown }).name;
        req.log?.error({ errCode: 'session_store_unavailable', causeName }, 'session not saved');
        return;
      }
      if (err) return next(new AppError('session_store_unavailable', 'session store failed', { cause: err }));
      next();
    });
  };
  const lifetime = sessionLifetime({
    idleMs: config.session.idleTimeoutSeconds * 1000,
    absoluteMs: config.session.absoluteTimeoutSeconds * 1000,
    clock: deps.clock,
  });
  return [withStoreErrors, lifetime, anonymousSessionLifetime()];
}
