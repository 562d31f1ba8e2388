import { Router } from 'express';

/** What readiness depends on; server.ts wires the real ones. */
export interface ReadinessChecks {
  /** True when the session store answers now. */
  sessionStore: () => Promise<boolean>;
  /** True once the process has started shutting down: stop sending traffic here. */
  draining?: () => boolean;
}

/**
 * GET /healthz — the process is alive (200, no dependencies checked).
 * GET /readyz — ready for traffic: the session store answers and the issuer's JWKS can be fetched
 * (`auth.ready()`); otherwise 503 with the failing checks, which a load balancer reads as "take me out".
 */
export function createHealthRouter(deps: { checks: ReadinessChecks; jwks: () => Promise<boolean> }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [store, jwks] = await Promise.all([deps.checks.sessionStore().catch(() => false), deps.jwks().catch(() => false)]);
    const draining = deps.checks.draining?.() ?? false;
    const checks = { sessionStore: store ? 'ok' : 'failing', jwks: jwks ? 'ok' : 'failing', draining };
    const ready = store && jwks && !draining;
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return router;
}
