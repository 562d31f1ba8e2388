import { BENCH_PASSWORD, OIDC_BASE_URL } from './environment';
import { BENCH_EMAIL } from './page';
import type { PlannedTarget } from './plan';
import type { TargetProcess } from './server-process';
import { seedSession, sessionIdOf, signInToApp, signInToOpenIdConnect } from './sign-in';

/** Runs `task` n times, a few at a time. */
async function times<T>(n: number, task: (i: number) => Promise<T>, parallel = 5): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** The data of a signed-in app session, without its cookie: what the express-session-only target gets. */
export async function appSessionData(app: TargetProcess, cookie: string): Promise<Record<string, unknown>> {
  const stored = (await app.readSession(sessionIdOf(cookie))) as Record<string, unknown> | null;
  if (!stored?.passport) throw new Error('the app stored no signed-in session');
  const { cookie: _cookie, ...data } = stored;
  return data;
}

/**
 * One Cookie header per connection, each a session of its own: a sign-in on the app's custom page, a
 * sign-in through the provider for express-openid-connect, a copy of an app session for express-session
 * only (the same data, so the same size to load, hash and save), none for plain Express.
 */
export async function openSessions(
  planned: PlannedTarget,
  target: TargetProcess,
  count: number,
  appSession: () => Promise<Record<string, unknown>>,
): Promise<string[]> {
  switch (planned.kind) {
    case 'app':
      return times(count, () => signInToApp(target.url, BENCH_EMAIL, BENCH_PASSWORD));
    case 'openid-connect':
      return times(count, () => signInToOpenIdConnect(target.url, OIDC_BASE_URL, 'bench-account'));
    case 'session-only': {
      const data = await appSession();
      return times(count, () => seedSession(target.url, data));
    }
    case 'plain':
      return [];
  }
}
