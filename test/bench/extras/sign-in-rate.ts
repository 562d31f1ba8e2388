import type { CognitoLocal } from '../../../src/testing';
import { BENCH_PASSWORD } from '../constants';
import { BENCH_EMAIL } from '../page';
import type { TargetProcess } from '../server-process';
import { signInToHost } from '../sign-in';

/**
 * Sign-ins per second through the package's custom page on the guarded host (the kit's `signIn`: GET and
 * POST /account/login: CSRF, InitiateAuth on cognito-local, token verification, a new session id),
 * `loops` at a time for `seconds`.
 */
export async function measureSignInRate(
  kit: CognitoLocal,
  host: TargetProcess,
  loops: number,
  seconds: number,
): Promise<{ perSecond: number; total: number }> {
  const deadline = Date.now() + seconds * 1000;
  let total = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (Date.now() < deadline) {
        await signInToHost(kit, host.url, { email: BENCH_EMAIL, password: BENCH_PASSWORD });
        total += 1;
      }
    }),
  );
  return { perSecond: total / seconds, total };
}
