import express from 'express';
import { auth, requiresAuth, type ConfigParams } from 'express-openid-connect';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import { openTargetStore } from './stores';
import type { BuiltTarget, TargetSpec } from './types';

/**
 * The same page behind express-openid-connect 3's `requiresAuth()`, signed in with the authorization
 * code flow at the local OpenID provider (tokens kept: ID, access and refresh). Its session lives in its
 * encrypted cookie (its default, store `cookie`) or in one of the package's stores (`session.store`).
 */
export async function buildOpenIdConnectTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const oidc = spec.oidc!;
  const handle = await openTargetStore(spec);
  const app = express();
  app.set('trust proxy', 1);
  const config: ConfigParams = {
    issuerBaseURL: oidc.issuer,
    baseURL: oidc.baseUrl,
    clientID: oidc.clientId,
    clientSecret: oidc.clientSecret,
    secret: spec.sessionSecret,
    authRequired: false,
    idpLogout: false,
    enableTelemetry: false,
    authorizationParams: { response_type: 'code', scope: 'openid email profile offline_access', prompt: 'consent' },
    ...(handle ? { session: { store: handle.store as unknown as NonNullable<ConfigParams['session']>['store'] } } : {}),
  };
  app.use(auth(config));
  app.get(PAGE_PATH, requiresAuth(), (req, res) => {
    res.render(PAGE_VIEW, pageLocals(String(req.oidc.user?.email ?? '')));
  });
  return { app, store: handle?.store, writes: handle, close: async () => handle?.close() };
}
