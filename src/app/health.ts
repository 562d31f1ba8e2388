import { Router } from 'express';

/** What readiness depends on; server.ts wires the real ones. */
export interface ReadinessChecks {
  /** True when the session store answers now. */
  sessionStore: () => Promise<boolean>;
  /**
   * True when the emulator the app runs against answers (embedded or COGNITO_ENDPOINT); absent on real
   * Cognito, where the JWKS check stands for it. Sign-in answers 503 while it does not.
   */
  emulator?: () => Promise<boolean>;
  /** True once the process has started shutting down: stop sending traffic here. */
  draining?: () => boolean;
}

/** How long the emulator's health check may take before it counts as failing. */
const EMULATOR_CHECK_TIMEOUT_MS = 1000;

/** Whether cognito-local at `url` answers its health check now (it died, crashed or hangs: false). */
export function createEmulatorCheck(url: string, timeoutMs = EMULATOR_CHECK_TIMEOUT_MS): () => Promise<boolean> {
  return async () => {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
}

/**
 * GET /healthz — the process is alive (200, no dependencies checked).
 * GET /readyz — ready for traffic: the session store answers, the issuer's JWKS can be fetched
 * (`auth.ready()`) and, on an emulator, the emulator answers; otherwise 503, which a load balancer reads
 * as "take me out". The body names each check and lists the failing ones (`failing`), so that a person
 * reading it sees what is missing.
 */
export function createHealthRouter(deps: { checks: ReadinessChecks; jwks: () => Promise<boolean> }): Router {
  const router = Router();
  const passes = (check: () => Promise<boolean>) => check().catch(() => false);

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const emulatorCheck = deps.checks.emulator;
    const [store, jwks, emulator] = await Promise.all([
      passes(deps.checks.sessionStore),
      passes(deps.jwks),
      emulatorCheck ? passes(emulatorCheck) : Promise.resolve(undefined),
    ]);
    const draining = deps.checks.draining?.() ?? false;
    const state = (ok: boolean) => (ok ? 'ok' : 'failing');
    const checks = {
      sessionStore: state(store),
      jwks: state(jwks),
      ...(emulator === undefined ? {} : { emulator: state(emulator) }),
      draining,
    };
    const failing = [
      ...Object.entries(checks)
        .filter(([, value]) => value === 'failing')
        .map(([name]) => name),
      ...(draining ? ['draining'] : []),
    ];
    const ready = failing.length === 0;
    res
      .set('Cache-Control', 'no-store')
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', checks, failing });
  });

  return router;
}
