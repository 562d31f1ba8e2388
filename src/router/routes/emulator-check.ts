import type { CognitoSettings } from '../../cognito/settings';
import type { Clock } from '../../auth/lifetimes';

/** How long one answer (or silence) of the emulator is trusted: a burst of sign-in starts makes one probe. */
const CHECK_TTL_MS = 5_000;
/** The longest a probe waits: the emulator runs on this machine or next to it, and answers at once. */
const MAX_PROBE_MS = 2_000;

/**
 * Whether the emulator's Hosted UI answers at all (any HTTP status counts), so that a sign-in start with
 * the emulator down shows the 503 page instead of sending the browser to a connection error. For the
 * emulator only: nothing calls this for real Cognito, which is never probed. One probe (a HEAD of the
 * Hosted UI's origin) at a time, its result reused for a few seconds.
 */
export function createEmulatorCheck(settings: Pick<CognitoSettings, 'authorizationUrl' | 'timeoutMs'>, clock: Clock): () => Promise<boolean> {
  const origin = new URL(settings.authorizationUrl).origin;
  const timeoutMs = Math.min(settings.timeoutMs, MAX_PROBE_MS);
  let checked: { at: number; ok: boolean } | undefined;
  let probing: Promise<boolean> | undefined;

  async function probe(): Promise<boolean> {
    try {
      const res = await fetch(origin, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  return () => {
    if (checked && clock() - checked.at < CHECK_TTL_MS) return Promise.resolve(checked.ok);
    probing ??= probe().then((ok) => {
      checked = { at: clock(), ok };
      probing = undefined;
      return ok;
    });
    return probing;
  };
}
