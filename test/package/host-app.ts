import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { buildUserPoolClientInput, buildUserPoolInput } from '../../src/cognito/pool-settings';
import {
  cognitoAuth,
  createMemoryStore,
  requiresAuth,
  type CognitoAuth,
  type CognitoAuthOptions,
  type CognitoContext,
  type CognitoLocals,
  type CognitoOptions,
  type LayoutPage,
} from '../../src/index';
import type { CognitoLocal } from '../../src/testing';

declare global {
  namespace Express {
    /** The host's own user shape, for its own Passport: the package's types must not care. */
    interface User {
      shopId: string;
    }
  }
}

/** The host app's origin, as registered with the kit's pool. Nothing listens there: supertest drives the apps. */
export const HOST_BASE_URL = 'http://shop.localhost:3000';

const HOST_SECRET = 'host-secret-host-secret-host-secret-0123';

/** The host's own templates (its own view engine, ejs here), for its own pages. */
export const HOST_VIEWS = path.join(__dirname, 'views');

/**
 * The host's own layout: its header and title, the package's page body inside, the package's stylesheet
 * and script from `page.head`, and an inline style and script of the host's own, allowed by the nonce.
 */
export function hostLayout(page: LayoutPage): string {
  const title = escapeHtml(page.title);
  const nonce = escapeHtml(page.cspNonce ?? '');
  const signOut = page.signOut
    ? `<form method="post" action="${escapeHtml(page.signOut.action)}" class="shop-sign-out"><input type="hidden" name="_csrf" value="${escapeHtml(page.signOut.csrfToken)}"><button>Sign out ${escapeHtml(page.user?.email ?? '')}</button></form>`
    : '';
  return [
    `<!DOCTYPE html><html lang="${page.locale}"><head><title>${title} · Shop</title>`,
    page.head,
    `<style nonce="${nonce}">.shop-header { display: flex; }</style>`,
    `</head><body><header class="shop-header">Shop${signOut}</header><main class="shop-main">${page.body}</main>`,
    `<script nonce="${nonce}">document.documentElement.dataset.shop = 'ready';</script>`,
    '</body></html>',
  ].join('');
}

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A host app as a team would already have one: its own express-session and Passport (a shop login), its
 * own pages, 404 and error handler; the package mounted at /account on the host's session, `context()`
 * app-wide, a guarded dashboard and JSON API.
 */
export function buildHostApp(
  cognito: { options: CognitoOptions },
  options: Partial<CognitoAuthOptions> = {},
  store: session.Store = new session.MemoryStore(),
): { app: express.Express; auth: CognitoAuth } {
  const app = express();
  app.set('views', HOST_VIEWS);
  app.set('view engine', 'ejs');
  app.use(session({ name: 'shop.sid', secret: HOST_SECRET, resave: false, saveUninitialized: false, store }));
  const passport = new Passport();
  passport.use(new LocalStrategy((username, password, done) => done(null, password === 'shop-password' ? { shopId: username } : false)));
  passport.serializeUser((user, done) => done(null, user.shopId));
  passport.deserializeUser((shopId: string, done) => done(null, { shopId }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(express.urlencoded({ extended: false }));
  // passport types authenticate()'s middleware `any`.
  const localSignIn = passport.authenticate('local', { failureRedirect: '/' }) as RequestHandler;
  app.post('/shop-login', localSignIn, (_req, res) => res.redirect(303, '/'));

  const auth = cognitoAuth({
    baseUrl: HOST_BASE_URL,
    mountPath: '/account',
    cognito: cognito.options,
    render: { layout: hostLayout },
    defaultReturnTo: { hostedUi: '/dashboard' },
    afterSignIn: (req, user) => {
      (req.session as unknown as Record<string, unknown>).greeted = user.email;
    },
    ...options,
  });
  app.use('/account', auth);
  app.use(auth.context());

  app.get('/', (_req, res) => res.send('shop home'));
  app.get('/dashboard', requiresAuth(), (req, res) => res.send(`dashboard of ${req.cognito!.user!.email}`));
  app.get('/api/me', requiresAuth(), (req, res) => res.json({ email: req.cognito!.user!.email }));
  app.get('/api/always-json', requiresAuth({ json: true }), (req, res) => res.json({ email: req.cognito!.user!.email }));
  app.get('/members', requiresAuth({ signedOutTo: '/' }), (req, res) => res.send(`members: ${req.cognito!.user!.email}`));
  app.get('/whoami', (req, res) => {
    const s = req.session as unknown as Record<string, unknown>;
    res.json({
      cognito: req.cognito?.user?.email ?? null,
      signedIn: req.cognito?.isAuthenticated() ?? false,
      shopUser: req.user ?? null,
      sessionKeys: Object.keys(s)
        .filter((k) => k !== 'cookie')
        .sort(),
      greeted: s.greeted ?? null,
    });
  });
  app.get('/token', requiresAuth(), async (req, res) => res.json({ token: await req.cognito!.accessToken(), claims: req.cognito!.claims }));
  app.post('/leave', async (req, res) => {
    await req.cognito!.signOut();
    res.redirect(303, '/');
  });
  // The host's own pages: its own view engine, a page of plain HTML, and a JSON API, each with res.locals.cognito.
  app.get('/shop', (_req, res) => res.render('shop'));
  app.get('/shop-plain', (_req, res) => {
    const { signOut, signInUrl } = res.locals.cognito as CognitoLocals;
    res.send(
      signOut
        ? `<form method="post" action="${escapeHtml(signOut.action)}"><input type="hidden" name="_csrf" value="${escapeHtml(signOut.csrfToken)}"><button>Sign out</button></form>`
        : `<a href="${escapeHtml(signInUrl)}">Sign in</a>`,
    );
  });
  app.get('/api/session', (_req, res) => res.json(res.locals.cognito));
  app.get('/api/user', (_req, res) => res.json({ email: (res.locals.cognito as CognitoLocals).user?.email ?? null }));
  app.get('/boom', () => {
    throw new Error('the host broke');
  });
  app.use((_req: Request, res: Response) => res.status(404).send('shop 404'));
  app.use((err: { code?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).send(`shop error: ${err.code ?? 'none'}: ${err.message ?? ''}`);
  });
  return { app, auth };
}

/** A template of the host's own for one page: the sign-in page, with the package's partials. */
export function writeLoginOverride(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-views-'));
  const file = path.join(dir, 'login.ejs');
  fs.writeFileSync(
    file,
    [
      "<%- include('partials/head', { title: t('login.title') }) %>",
      '<h1 data-override="other-login"><%= t(\'login.title\') %></h1>',
      '<form method="post" action="<%= url(\'/login\') %>"><%- include(\'partials/csrf\') %>',
      '<input name="email" type="email"><input name="password" type="password"><button>OK</button></form>',
      "<%- include('partials/foot') %>",
    ].join('\n'),
  );
  return file;
}

/**
 * A second app in the same process with another instance at /other and other options: its own session
 * (cookie `other.sid`), Japanese only, no sign-up, no Hosted UI, its own sign-in template.
 */
export function buildOtherApp(cognito: CognitoLocal, loginTemplate: string): express.Express {
  const app = express();
  const other = cognitoAuth({
    baseUrl: HOST_BASE_URL,
    mountPath: '/other',
    cognito: cognito.options,
    session: { store: createMemoryStore(), secret: 'other-secret-other-secret-other-secret', cookieName: 'other.sid' },
    pages: { signUp: false, hostedUi: false },
    languages: ['ja'],
    render: { views: { login: loginTemplate } },
  });
  app.use('/other', other);
  app.get('/other-home', other.requiresAuth(), (req, res) => res.send(`other home of ${req.cognito!.user!.email}`));
  app.use((_req: Request, res: Response) => res.status(404).send('other 404'));
  return app;
}

/** Where a second router signs in: its mount and its pool and client. */
export interface OtherRouter {
  mountPath: string;
  cognito: CognitoOptions;
}

/**
 * An app client for a router mounted at `mountPath`, with that router's callback URL: in a pool of its own
 * (`pool: 'new'`, the emulator holds several) or in the kit's pool beside its client.
 */
export async function clientFor(cognito: CognitoLocal, mountPath: string, pool: 'new' | 'same'): Promise<CognitoOptions> {
  let userPoolId = cognito.userPoolId;
  if (pool === 'new') {
    const created = await cognito.client.send(
      new CreateUserPoolCommand({ ...buildUserPoolInput(), PoolName: `pool-${mountPath.slice(1)}-${randomBytes(3).toString('hex')}` }),
    );
    userPoolId = created.UserPool!.Id!;
  }
  const input = buildUserPoolClientInput(userPoolId, HOST_BASE_URL, { mountPath });
  const created = await cognito.client.send(new CreateUserPoolClientCommand({ ...input, ClientName: `client-${mountPath.slice(1)}` }));
  const clientId = created.UserPoolClient!.ClientId!;
  const described = await cognito.client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  return { ...cognito.options, userPoolId, clientId, clientSecret: described.UserPoolClient?.ClientSecret };
}

/**
 * A host with several routers on its one express-session: the kit's at /account (its `context()`
 * app-wide) and `others`. `/guarded<mount>` is behind that router's own `requiresAuth()`; `/who` runs
 * every router's `context()` in turn and reports whom each one sees signed in.
 */
export function buildMultiRouterHost(cognito: CognitoLocal, others: OtherRouter[], store: session.Store = new session.MemoryStore()) {
  const app = express();
  app.use(session({ name: 'shop.sid', secret: HOST_SECRET, resave: false, saveUninitialized: false, store }));
  app.use(express.urlencoded({ extended: false }));
  const routers = [{ mountPath: '/account', cognito: cognito.options }, ...others].map((r) => ({
    mountPath: r.mountPath,
    auth: cognitoAuth({ baseUrl: HOST_BASE_URL, mountPath: r.mountPath, cognito: r.cognito, defaultReturnTo: `/guarded${r.mountPath}` }),
  }));
  for (const { mountPath, auth } of routers) app.use(mountPath, auth);
  app.use(routers[0]!.auth.context());
  for (const { mountPath, auth } of routers)
    app.get(`/guarded${mountPath}`, auth.requiresAuth(), (req, res) => res.send(`${mountPath}: ${req.cognito!.user!.email}`));
  const seen: RequestHandler[] = routers.flatMap(({ mountPath, auth }) => [
    auth.context(),
    (req: Request, res: Response, next: NextFunction) => {
      const seenSoFar = (res.locals.seen ??= {}) as Record<string, CognitoContext>;
      seenSoFar[mountPath] = req.cognito!;
      next();
    },
  ]);
  app.get('/who', ...seen, (_req, res) => {
    // Read only once every router's context() has run: each answers for its own router still.
    const contexts = res.locals.seen as Record<string, CognitoContext>;
    res.json(Object.fromEntries(Object.entries(contexts).map(([mount, c]) => [mount, c.user?.email ?? null])));
  });
  app.get('/global-guard', requiresAuth(), (req, res) => res.send(`global: ${req.cognito!.user!.email}`));
  return { app, store };
}
