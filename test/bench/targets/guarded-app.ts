import express from 'express';
import { cognitoAuth, requiresAuth } from '../../../src/index';
import { HOST_BASE_URL, HOST_MOUNT_PATH } from '../constants';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import { countedCognito } from './counted-cognito';
import { openTargetStore } from './stores';
import type { BuiltTarget, TargetSpec } from './types';

/** Every connection signs in from 127.0.0.1 as the same account, several at a time. */
const UNLIMITED = 100_000_000;

/**
 * The page under test: a host Express app of its own with the package as docs/api.md's quick start has
 * it: `cognitoAuth()` mounted at /account with the package's own session on the target's store, in
 * production (https baseUrl, so a Secure `__Host-` cookie; `trust proxy` for the TLS-terminating proxy),
 * `app.use(auth.context())`, and the host's page behind `requiresAuth()`.
 */
export async function buildGuardedTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const handle = (await openTargetStore(spec))!;
  const cognito = countedCognito(spec.cognito!);
  const auth = cognitoAuth({
    baseUrl: HOST_BASE_URL,
    mountPath: HOST_MOUNT_PATH,
    cognito: cognito.options,
    session: { store: handle, secret: spec.sessionSecret },
    rateLimits: { perIpPerMinute: UNLIMITED, signInStartsPerMinute: UNLIMITED, signInFailures: UNLIMITED },
  });
  const app = express();
  app.set('trust proxy', 1);
  app.use(HOST_MOUNT_PATH, auth);
  app.use(auth.context());
  app.get(PAGE_PATH, requiresAuth(), (req, res) => {
    res.render(PAGE_VIEW, pageLocals(req.cognito!.user!.email ?? ''));
  });
  return {
    app,
    store: handle.store,
    writes: handle,
    cognitoCalls: cognito.calls,
    close: async () => {
      await auth.close();
      await handle.close();
    },
  };
}
