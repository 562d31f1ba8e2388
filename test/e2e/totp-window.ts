import { setTimeout as sleep } from 'node:timers/promises';
import { totpCodeFor } from '../helpers/totp';

const STEP_MS = 30_000;
/** Time a browser needs to type and send a code under load; a code with less left waits for the next step. */
const SPARE_MS = 5_000;

/**
 * The code an authenticator app shows now, with at least {@link SPARE_MS} of its 30-second step left: if the
 * step is about to roll over, waits only until the next one starts. (cognito-local also takes the previous
 * step's code; Cognito's tolerance is not documented, so the journey does not lean on it.)
 */
export async function freshTotpCode(secret: string): Promise<string> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < SPARE_MS) await sleep(left + 50);
  return totpCodeFor(secret);
}
