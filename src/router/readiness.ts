import type { CognitoSettings } from '../cognito/settings';
import { createJwksFetcher } from '../cognito/tokens';
import type { Clock } from '../auth/lifetimes';

/** How long a JWKS check result is reused: probes every few seconds must not become calls to Cognito. */
const JWKS_CHECK_TTL_MS = 15_000;

/**
 * Whether the issuer's JWKS can be fetched now (what verifying a sign-in needs), for readiness probes.
 * A result is reused for 15 seconds.
 */
export function createJwksCheck(settings: Pick<CognitoSettings, 'jwksUri' | 'timeoutMs'>, clock: Clock): () => Promise<boolean> {
  let checked: { at: number; ok: boolean } | undefined;
  const fetcher = createJwksFetcher(settings.timeoutMs);
  return async () => {
    const now = clock();
    if (checked && now - checked.at < JWKS_CHECK_TTL_MS) return checked.ok;
    let ok = false;
    try {
      const body = JSON.parse(Buffer.from(await fetcher.fetch(settings.jwksUri)).toString('utf8')) as { keys?: unknown };
      ok = Array.isArray(body.keys);
    } catch {
      ok = false;
    }
    checked = { at: now, ok };
    return ok;
  };
}
