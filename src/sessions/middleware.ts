import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { AppConfig } from '../app/config';
import { AppError } from '../errors';
import { IndexedSessionStore } from './indexed-store';
import { anonymousSessionLifetime, sessionLifetime, type Clock } from './lifetime';
import { userSessionIndexFor, type UserSessionIndex } from './user-sessions';

/**
 * express-session with the app's cookie and lifetimes, over the store with its per-user session index
 * (`index`, or the one the store keeps: see {@link userSessionIndexFor}). A failing store (Redis down)
 * turns into a 503 page instead of a 500: the process lives on and serves again once the store is back.
 */
export function createSessionMiddleware(deps: {
  config: Pick<AppConfig, 'env' | 'trustProxy' | 'session'>;
  store: session.Store;
  index?: UserSessionIndex | undefined;
  secret: string;
  clock: Clock;
}): RequestHandler[] {
  const { config } = deps;
  const absoluteMs = config.session.absoluteTimeoutSeconds * 1000;
  const store = new IndexedSessionStore(deps.store, deps.index ?? userSessionIndexFor(deps.store), absoluteMs);
  const handler = session({
    name: config.session.cookieName,
    secret: deps.secret,
    store,
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
    absoluteMs,
    clock: deps.clock,
  });
  return [withStoreErrors, lifetime, anonymousSessionLifetime()];
}
