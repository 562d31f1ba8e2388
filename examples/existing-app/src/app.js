import { fileURLToPath } from 'node:url';
import express from 'express';
import { cognitoAuth, requiresAuth, securityHeaders } from 'express-cognito-signin';
import { createPackageLayout } from './layout.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url));

/** @type {NonNullable<import('express-cognito-signin').CognitoOptions['firstFactors']>} */
const SIGN_IN_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'];

/**
 * @typedef {object} AppOptions
 * @property {string} baseUrl This app's public origin (the Cognito callback is `<baseUrl>/account/callback`).
 * @property {import('express-cognito-signin').CognitoOptions} cognito Real Cognito, or the test kit's `cognito.options`.
 * @property {import('express-cognito-signin').SessionOptions} session `{ store, secret }` for the sign-in session.
 * @property {import('express-cognito-signin').Mailbox} [mailbox] The emulator's codes at /account/dev/mailbox (development only).
 * @property {number} [trustProxy] Reverse proxies in front of the app (0: none).
 */

/**
 * The app: its own pages (Pug templates in views/), layout, 404 and error page, with the sign-in pages under
 * /account. Never listens and reads no environment (server.js does both), so tests build it with the test
 * kit's emulator. Runs on Express 4 and 5 alike.
 *
 * @param {AppOptions} options
 */
export function createApp(options) {
  const production = options.baseUrl.startsWith('https:');
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', options.trustProxy);
  // The app's own view engine: the package renders its pages with its own copy of EJS and never uses this.
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'pug');

  // The package's strict CSP on every page of the app too: a fresh nonce per response (res.locals.cspNonce)
  // lets the layout's inline <style> and <script> run, and nothing else inline. Signing out on AWS continues
  // at Cognito's /logout, so forms may lead to the Hosted UI's origin.
  app.use(securityHeaders({ cognitoOrigin: new URL(options.cognito.domain).origin, production }));
  app.use('/static', express.static(PUBLIC_DIR, { index: false }));

  // --- Sign-in: one router at the root. Its pages live under /account, in this app's layout, and every
  // request gets req.cognito and res.locals.cognito (user, signInUrl, signOut) for the pages below. ---
  const auth = cognitoAuth({
    baseUrl: options.baseUrl,
    mountPath: '/account',
    // Choice-based sign-in: the password, a code e-mailed by Cognito, or a passkey. A factor the pool's
    // sign-in policy does not allow is left out of the page (with a warning in the log), so a password-only
    // pool keeps the classic page.
    cognito: { ...options.cognito, firstFactors: SIGN_IN_FACTORS },
    session: options.session,
    defaultReturnTo: '/dashboard',
    render: { layout: createPackageLayout(app) },
    pages: { mailbox: options.mailbox },
  });
  app.use(auth);

  // --- The app's own pages: res.render with Pug; the header reads res.locals.cognito (views/layout.pug). ---
  app.get('/', (req, res) => res.render('home', { title: 'Home', signedOut: req.query.notice === 'signed_out' }));

  app.get('/dashboard', requiresAuth(), (req, res) => res.render('dashboard', { title: 'Dashboard', account: req.cognito?.user }));

  // A signed-out fetch() gets 401 JSON here, a signed-out page navigation a redirect to the sign-in page.
  app.get('/api/me', requiresAuth(), (req, res) => {
    const user = req.cognito?.user;
    res.json({ sub: user?.sub, email: user?.email, signedInWith: user?.provider });
  });

  app.use((req, res) => res.status(404).render('not-found', { title: 'Not found' }));

  /** @type {import('express').ErrorRequestHandler} */
  const errorPage = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    console.error(err);
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
    res.status(status).render('error', { title: 'Error', status }, (renderErr, html) => {
      if (renderErr) res.type('text').send('Something went wrong.');
      else res.send(html);
    });
  };
  app.use(errorPage);

  return { app, auth };
}
