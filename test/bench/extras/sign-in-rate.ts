import { BENCH_PASSWORD } from '../environment';
import { BENCH_EMAIL } from '../page';
import type { TargetProcess } from '../server-process';
import { signInToApp } from '../sign-in';

/**
 * Sign-ins per second through the app's custom page (GET /login, POST /login: CSRF, AdminInitiateAuth on
 * cognito-local, token verification, session regeneration), `loops` at a time for `seconds`.
 */
export async function measureSignInRate(app: TargetProcess, loops: number, seconds: number): Promise<{ perSecond: number; total: number }> {
  const deadline = Date.now() + seconds * 1000;
  let total = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (Date.now() < deadline) {
        await signInToApp(app.url, BENCH_EMAIL, BENCH_PASSWORD);
        total += 1;
      }
    }),
  );
  return { perSecond: total / seconds, total };
}
