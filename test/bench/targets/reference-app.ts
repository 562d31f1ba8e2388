import express, { Router } from 'express';
import { cognitoAuth, requiresAuth, type CognitoAuth } from '../../../src/index';
import { createApp } from '../../../src/app/app';
import { authOptionsFrom, cognitoOptionsFrom } from '../../../src/app/auth-options';
import { loadConfig } from '../../../src/app/config';
import { createLogger } from '../../../src/app/logger';
import { APP_BASE_URL } from '../constants';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import { countedCognito } from './counted-cognito';
import { openTargetStore } from './stores';
import type { BenchCognito, BuiltTarget, TargetSpec } from './types';

/**
 * The reference app's production configuration, as server.ts would read it from the environment: real
 * Cognito mode (no emulator in production), its issuer and domain being the emulator's. The session store
 * is the target's (server.ts would open SQLite or Redis from SESSION_STORE; memory is refused there).
 */
function productionConfig(spec: TargetSpec, cognito: BenchCognito) {
  return loadConfig({
    NODE_ENV: 'production',
    APP_BASE_URL,
    DATA_DIR: spec.dataDir,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'info',
    SESSION_SECRET: spec.sessionSecret,
    COGNITO_REGION: 'ap-northeast-1',
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    COGNITO_CLIENT_SECRET: cognito.clientSecret,
    COGNITO_DOMAIN: cognito.url,
    COGNITO_ISSUER: `${cognito.url}/${cognito.userPoolId}`,
    // Every connection signs in from 127.0.0.1, as the same account, several at a time.
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_SIGNIN_FAILURES: '100000000',
  });
}

/**
 * createApp ends with the package's catch-all 404 and error page and offers no place for a host's routes
 * (the reference app has its own two pages), so the bench's page goes into the app's stack just before
 * that 404: it then walks everything the app runs for its own pages.
 */
function insertBeforeNotFound(app: express.Express, router: Router, auth: CognitoAuth): void {
  app.use(router);
  const stack = (app.router as unknown as { stack: { handle: unknown }[] }).stack;
  const added = stack.pop();
  const notFound = auth.notFound();
  const at = stack.findIndex((layer) => layer.handle === notFound);
  if (!added || at < 0) throw new Error('createApp has no 404 layer to insert the page before');
  stack.splice(at, 0, added);
}

/**
 * The reference app, whole: built as server.ts builds it (createApp with the package's router from
 * authOptionsFrom), production settings (secure `__Host-sid` cookie behind a trusted proxy, HSTS), request
 * logging at info to stdout (the child's stdout is a file), and the bench's page behind `requiresAuth()`.
 */
export async function buildReferenceAppTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const handle = (await openTargetStore(spec))!;
  const counted = countedCognito(spec.cognito!);
  const config = productionConfig(spec, spec.cognito!);
  const logger = createLogger({ level: config.logLevel });
  const ids = { userPoolId: spec.cognito!.userPoolId, clientId: spec.cognito!.clientId, clientSecret: spec.cognito!.clientSecret };
  const cognito = { ...cognitoOptionsFrom(config, ids), client: counted.options.client };
  const auth = cognitoAuth(authOptionsFrom(config, { cognito, sessionStore: handle, sessionSecret: spec.sessionSecret, logger }));
  const app = createApp({ config, auth, logger, readiness: { sessionStore: handle.ping }, cognitoOrigin: new URL(cognito.domain).origin });
  const page = Router().get(PAGE_PATH, requiresAuth(), (req, res) => {
    res.render(PAGE_VIEW, pageLocals(req.cognito!.user!.email ?? ''));
  });
  insertBeforeNotFound(app, page, auth);
  return {
    app,
    store: handle.store,
    writes: handle,
    cognitoCalls: counted.calls,
    close: async () => {
      await auth.close();
      await handle.close();
    },
  };
}
