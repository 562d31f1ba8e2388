import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import express, { Router } from 'express';
import type session from 'express-session';
import type { Logger } from 'pino';
import { createApp } from '../../../src/app';
import { createRequireAuth } from '../../../src/auth/require-auth';
import { createTokenRefresher } from '../../../src/auth/token-refresh';
import type { CognitoSettings } from '../../../src/cognito/settings';
import { createTokenVerifier } from '../../../src/cognito/tokens';
import { createUserService } from '../../../src/cognito/user-service';
import type { AppConfig } from '../../../src/config';
import { notFound } from '../../../src/routes/error-pages';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';

/** What {@link buildGuardedApp} is built from. */
export interface GuardedAppDeps {
  config: AppConfig;
  settings: CognitoSettings;
  client: CognitoIdentityProviderClient;
  store: session.Store;
  secret: string;
  logger: Logger;
}

/**
 * The page under test: the host's page behind the app's guard, with the whole standalone stack in front
 * of it (helmet, request logging, locale, session, Passport, CSRF). This is the one function to switch
 * when the package exists: a host app with `cognitoAuth(...)` mounted and `requiresAuth()` on this page.
 */
export function buildGuardedApp(deps: GuardedAppDeps): express.Express {
  const { config, settings, client } = deps;
  const app = createApp({ config, cognito: { settings, client }, sessionStore: deps.store, sessionSecret: deps.secret, logger: deps.logger });
  const verifier = createTokenVerifier(settings);
  const refresher = createTokenRefresher({ users: createUserService(client, settings), settings, verifier });
  const requireAuth = createRequireAuth({ refresher, clock: Date.now, cookieName: config.session.cookieName });
  const page = Router().get(PAGE_PATH, requireAuth(), (req, res) => {
    res.render(PAGE_VIEW, pageLocals(req.user?.email ?? ''));
  });
  insertBeforeNotFound(app, page);
  return app;
}

/**
 * createApp ends with its catch-all 404 and offers no place for a host's routes (issue 11), so the page's
 * router goes into the app's stack just before that 404.
 */
function insertBeforeNotFound(app: express.Express, router: Router): void {
  app.use(router);
  const stack = (app.router as unknown as { stack: { handle: unknown }[] }).stack;
  const added = stack.pop();
  const at = stack.findIndex((layer) => layer.handle === notFound);
  if (!added || at < 0) throw new Error('createApp has no 404 layer to insert the page before');
  stack.splice(at, 0, added);
}
