import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { cognitoAuth, requiresAuth, type CognitoOptions, type SessionOptions } from 'express-cognito-signin';
import { escapeHtml, page } from './html.js';
import { createSampleOrderBook, type OrderBook } from './orders.js';

/** What the app is built from: server.ts reads them from the environment, tests from the test kit. */
export interface AppOptions {
  /** This app's public origin: the Cognito callback is `<baseUrl>/account/callback`. */
  baseUrl: string;
  /** Real Cognito, or the test kit's `cognito.options`. */
  cognito: CognitoOptions;
  /** `{ store, secret }` of the sign-in session. */
  session: SessionOptions;
  orders?: OrderBook;
  /** Where unexpected errors are logged (default `console.error`). */
  logError?: (err: unknown) => void;
}

/**
 * Express 4 does not catch a rejected promise (Express 5 does): without this, a failing `await` in a
 * handler is an unhandled rejection instead of the error page.
 */
function asyncHandler(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}

/** The signed-in user's `sub`: only called behind `requiresAuth()`, which lets no one else through. */
function subOf(req: Request): string {
  const user = req.cognito?.user;
  if (!user) throw new Error('no signed-in user behind requiresAuth()');
  return user.sub;
}

/** The app: sign-in pages under /account, an orders page and a JSON API for signed-in users. */
export function createApp(options: AppOptions): express.Express {
  const orders = options.orders ?? createSampleOrderBook();
  const logError = options.logError ?? console.error;
  const app = express();
  app.disable('x-powered-by');

  // One router at the root: the sign-in pages under /account, req.cognito and res.locals.cognito everywhere.
  app.use(cognitoAuth({ baseUrl: options.baseUrl, mountPath: '/account', cognito: options.cognito, session: options.session }));

  app.get('/', (_req, res) => {
    res.send(page(res, 'Welcome', '<p>Order parts for your workshop. <a href="/orders">Your orders</a>.</p>'));
  });

  // A page: signed out, a visitor is sent to the sign-in page and comes back here afterwards.
  app.get(
    '/orders',
    requiresAuth(),
    asyncHandler(async (req, res) => {
      const rows = (await orders.list(subOf(req))).map((o) => `<li>${escapeHtml(o.item)} × ${o.quantity}</li>`);
      res.send(page(res, 'Your orders', `<ul class="orders">${rows.join('')}</ul>`));
    }),
  );

  // An API for the page's scripts: a signed-out fetch() gets 401 JSON (requiresAuth() tells it from a navigation).
  app.get(
    '/api/orders',
    requiresAuth(),
    asyncHandler(async (req, res) => {
      res.json({ orders: await orders.list(subOf(req)) });
    }),
  );

  app.use((_req, res) => {
    res.status(404).send(page(res, 'Not found', '<p>Nothing here. <a href="/">Back to the start</a>.</p>'));
  });

  const errorPage: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    logError(err);
    if (req.path.startsWith('/api/')) res.status(500).json({ error: 'internal' });
    else res.status(500).send(page(res, 'Something went wrong', '<p>Please try again in a moment.</p>'));
  };
  app.use(errorPage);
  return app;
}
