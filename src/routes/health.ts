import { Router } from 'express';
import type { CognitoSettings } from '../cognito/settings';
import { createJwksFetcher } from '../cognito/tokens';
import type { Clock } from '../sessions/lifetime';

/** How long a JWKS check result is reused: probes every few seconds must not become calls to Cognito. */
const JWKS_CHECK_TTL_MS = 15_000;

/** What readiness depends on; server.ts wires the real ones. */
export interface ReadinessChecks {
  /** True when the session store answers now. */
  sessionStore: () => Promise<boolean>;
  /** True once the process has started shutting down: stop sending traffic here. */
  draining?: () => boolean;
}

/**
 * GET /healthz — the process is alive (200, no dependencies checked).
 * GET /readyz — ready for traffic: the session store answers and the issuer's JWKS can be fetched;
 * otherwise 503 with the failing checks, which a load balancer reads as "take me out".
 */
export function createHealthRouter(deps: { settings: CognitoSettings; checks: ReadinessChecks; clock: Clock }): Router {
  const router = Router();
  let jwksChecked: { at: number; ok: boolean } | undefined;
  const jwksFetcher = createJwksFetcher(deps.settings.timeoutMs);

  async function jwksReachable(): Promise<boolean> {
    const now = deps.clock();
    if (jwksChecked && now - jwksChecked.at < JWKS_CHECK_TTL_MS) return jwksChecked.ok;
    let ok = false;
    try {
      const body = JSON.parse(Buffer.from(await jwksFetcher.fetch(deps.settings.jwksUri)).toString('utf8')) as { keys?: unknown };
      ok = Array.isArray(body.keys);
    } catch {
      ok = false;
    }
    jwksChecked = { at: now, ok };
    return ok;
  }

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [store, jwks] = await Promise.all([deps.checks.sessionStore().catch(() => false), jwksReachable()]);
    const draining = deps.checks.draining?.() ?? false;
    const checks = { sessionStore: store ? 'ok' : 'failing', jwks: jwks ? 'ok' : 'failing', draining };
    const ready = store && jwks && !draining;
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return router;
}
