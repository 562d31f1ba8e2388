import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { cognitoAuth, requiresAuth } from 'express-cognito-signin';
import { createLayout } from './layout.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
/** @param {string} name a page of this app's own, in views/ */
const view = (name) => fileURLToPath(new URL(`../views/${name}.ejs`, import.meta.url));

/**
 * @typedef {object} AppOptions
 * @property {string} baseUrl This app's public origin (the Cognito callback is `<baseUrl>/account/callback`).
 * @property {import('express-cognito-signin').CognitoOptions} cognito Real Cognito, or the test kit's `cognito.options`.
 * @property {import('express-cognito-signin').SessionOptions} session `{ store, secret }` for the sign-in session.
 * @property {import('express-cognito-signin').Mailbox} [mailbox] The emulator's codes at /account/dev/mailbox (development only).
 * @property {number} [trustProxy] Reverse proxies in front of the app (0: none).
 */

/**
 * The app: its own pages, layout, 404 and error page, with sign-in mounted at /account. Never listens and
 * reads no environment (server.js does both), so tests build it with the test kit's emulator.
 *
 * @param {AppOptions} options
 */
export function createApp(options) {
  const production = options.baseUrl.startsWith('https:');
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', options.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Signing out on AWS continues at Cognito's /logout: the sign-out form may lead there.
          formAction: ["'self'", new URL(options.cognito.domain).origin],
          upgradeInsecureRequests: production ? [] : null,
        },
      },
      strictTransportSecurity: production,
    }),
  );
  app.use('/static', express.static(PUBLIC_DIR, { index: false }));

  // --- Sign-in: the package's pages at /account, in this app's layout. ---
  const auth = cognitoAuth({
    baseUrl: options.baseUrl,
    mountPath: '/account',
    cognito: options.cognito,
    session: options.session,
    defaultReturnTo: '/dashboard',
    render: { layout: createLayout({ cache: production }) },
    pages: { mailbox: options.mailbox },
  });
  app.use('/account', auth);
  app.use(auth.context());

  // --- The app's own pages. ---
  app.get('/', (req, res) => auth.render(req, res, view('home')));

  app.get('/dashboard', requiresAuth(), (req, res) => auth.render(req, res, view('dashboard'), { account: req.cognito?.user }));

  app.get('/api/me', requiresAuth(), (req, res) => {
    const user = req.cognito?.user;
    res.json({ sub: user?.sub, email: user?.email, signedInWith: user?.provider });
  });

  app.use((req, res) => auth.render(req, res, view('not-found'), {}, 404));

  /** @type {import('express').ErrorRequestHandler} */
  const errorPage = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    console.error(err);
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
    auth.render(req, res, view('error'), { status }, status).catch(() => res.status(status).type('text').send('Something went wrong.'));
  };
  app.use(errorPage);

  return { app, auth };
}
