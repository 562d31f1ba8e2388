import { CreateUserPoolClientCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import express from 'express';
import session from 'express-session';
import { buildUserPoolClientInput } from '../../src/cognito/pool-settings';
import type { CognitoOptions } from '../../src/cognito/settings';
import { cognitoAuth, createMemoryStore, requiresAuth, type CognitoAuth, type CognitoAuthOptions } from '../../src/index';
import { cognitoOptionsOf, resolveCognitoSettings, testConfig } from './app';
import { TEST_APP_BASE_URL, testEmulator } from './emulator';

/** Express 4 (the `express4` dev dependency), typed as Express 5: what the tests use of it is the same. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an npm alias with no types of its own (express4 → express@4): an import would not compile, require is typed here
const express4 = require('express4') as typeof express;

/** The secret of the test hosts' sessions. */
export const HOST_SECRET = 'host-app-secret-host-app-secret-0123';

/** Express 5 (the package's dev dependency) or Express 4 (`express4`). */
export type ExpressVersion = 4 | 5;

/** The `cognito` option for the suite's emulator and its pool's app client (callback `<base>/callback`). */
export function suiteCognito(): CognitoOptions {
  const { emulator, ids } = testEmulator();
  return cognitoOptionsOf(resolveCognitoSettings(testConfig(), ids, emulator.url));
}

/** A new app client in the suite's pool whose callback is `<TEST_APP_BASE_URL><mountPath>/callback`. */
export async function suiteCognitoAt(mountPath: string): Promise<CognitoOptions> {
  const { client, ids } = testEmulator();
  const input = buildUserPoolClientInput(ids.userPoolId, TEST_APP_BASE_URL, { mountPath });
  const created = await client.send(
    new CreateUserPoolClientCommand({ ...input, ClientName: `client-${mountPath.replace(/\W/g, '') || 'root'}-${Date.now()}` }),
  );
  const clientId = created.UserPoolClient!.ClientId!;
  const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: clientId }));
  return { ...suiteCognito(), clientId, clientSecret: described.UserPoolClient?.ClientSecret };
}

/** How a test host mounts the router. */
export type Mounting =
  /** `app.use(cognitoAuth({ …, mountPath }))`: the recommended quick start. */
  | 'root'
  /** `app.use(mountPath, auth)`, and `app.use(auth.context())` for the host's pages. */
  | 'path'
  /** `app.use(router)` with `router.use(mountPath, auth)` (no mount event), and `context()` after it. */
  | 'router';

/** What a test host is made of. */
export interface HostAppOptions {
  express?: ExpressVersion;
  mounting: Mounting;
  /** Where the pages live (given to `app.use` or `router.use` for 'path' and 'router'). */
  at: string;
  /** `mountPath` for `cognitoAuth()`; default: `at` for 'root', left out otherwise (inferred). */
  mountPath?: string | undefined;
  /** The host's own express-session (saveUninitialized: false) on `store`, instead of the package's session. */
  hostSession?: session.Store | undefined;
  options?: Partial<CognitoAuthOptions>;
  /** The test's own routes, before the host's error handler. */
  routes?: (app: express.Express, auth: CognitoAuth) => void;
}

/**
 * A host app: the router mounted as `mounting` says, a guarded page `/orders` (`requiresAuth()`), a
 * public page `/who` that tells who `req.cognito` says is signed in, and an error handler that shows
 * the error's code.
 */
export function buildHostApp(o: HostAppOptions): { app: express.Express; auth: CognitoAuth } {
  const app = (o.express === 4 ? express4() : express()) as express.Express;
  if (o.hostSession) app.use(session({ name: 'host.sid', secret: HOST_SECRET, resave: false, saveUninitialized: false, store: o.hostSession }));
  const mountPath = o.mounting === 'root' ? (o.mountPath ?? o.at) : o.mountPath;
  const auth = cognitoAuth({
    baseUrl: TEST_APP_BASE_URL,
    cognito: suiteCognito(),
    ...(mountPath === undefined ? {} : { mountPath }),
    ...(o.hostSession ? {} : { session: { store: createMemoryStore(), secret: HOST_SECRET } }),
    ...o.options,
  });
  if (o.mounting === 'root') app.use(auth);
  if (o.mounting === 'path') {
    app.use(o.at, auth);
    app.use(auth.context());
  }
  if (o.mounting === 'router') {
    const router = (o.express === 4 ? express4.Router() : express.Router()) as express.Router;
    router.use(o.at, auth);
    app.use(router);
    app.use(auth.context());
  }
  app.get('/orders', requiresAuth(), (req, res) => {
    res.send(`orders of ${req.cognito!.user!.email}`);
  });
  app.get('/who', (req, res) => {
    res.json({ user: req.cognito?.user?.email ?? null });
  });
  o.routes?.(app, auth);
  app.use((err: { code?: string; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ code: err.code ?? null, message: err.message ?? '' });
  });
  return { app, auth };
}
