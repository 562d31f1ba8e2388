import express from 'express';
import type { Logger } from 'pino';
import { noStore, securityHeaders, type CognitoAuth } from '../index';
import type { AppConfig } from './config';
import { createHealthRouter, type ReadinessChecks } from './health';
import { createHttpLogger } from './logger';
import { createPagesRouter } from './pages';

/** What {@link createApp} is built from. Tests pass their own of each. */
export interface AppDeps {
  config: AppConfig;
  /** The package's router, made from the configuration (server.ts, or a test). */
  auth: CognitoAuth;
  logger: Logger;
  /** What /readyz checks besides the JWKS; defaults to a store that is always up. */
  readiness?: ReadinessChecks | undefined;
  /** The Hosted UI's origin: the start page's form leads there. */
  cognitoOrigin: string;
}

/**
 * Assembles the reference app from the package's public API: what a host chooses app-wide (proxy trust,
 * probes, request logging, security headers for its own pages), the package's router at the root (its
 * pages, and `req.cognito` on every request), the app's
 * two pages, and the package's opt-in 404 and error pages. Never listens and reads no environment:
 * `server.ts` does both.
 */
export function createApp(deps: AppDeps): express.Express {
  const { config, auth } = deps;
  const production = config.env === 'production';
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  app.set('query parser', 'simple');

  // Probes come before request logging and sessions: frequent, anonymous, and they must not need the store.
  app.use(createHealthRouter({ checks: deps.readiness ?? { sessionStore: () => Promise.resolve(true) }, jwks: () => auth.ready() }));
  app.use(createHttpLogger(deps.logger));
  // The package's own security headers on the app's pages too: the start page's form leads to Cognito's.
  app.use(securityHeaders({ cognitoOrigin: deps.cognitoOrigin, production }));
  // One app.use at the root: the package's pages, and req.cognito on every request that follows.
  app.use(auth);
  app.use(noStore);
  app.use(createPagesRouter({ auth, production }));
  app.use(auth.notFound());
  app.use(auth.errorHandler());
  return app;
}
