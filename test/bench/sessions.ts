import type { CognitoLocal } from '../../src/testing';
import { BENCH_PASSWORD, OIDC_BASE_URL } from './constants';
import { BENCH_EMAIL } from './page';
import type { PlannedTarget } from './plan';
import type { TargetProcess } from './server-process';
import { packageStateOf } from '../helpers/sessions';
import { seedSession, sessionIdOf, signInToHost, signInToOpenIdConnect, signInToReferenceApp } from './sign-in';

/** Runs `task` n times, a few at a time. */
async function times<T>(n: number, task: (i: number) => Promise<T>, parallel = 5): Promise<T[]> {
  const out: T[] = new Array<T>(n);
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

/**
 * The data of a signed-in session of the package (everything under its key `cognito:<client>@<issuer>`), without its
 * cookie: what the express-session-only target gets a copy of.
 */
export async function packageSessionData(target: TargetProcess, cookie: string): Promise<Record<string, unknown>> {
  const stored = (await target.readSession(sessionIdOf(cookie))) as { cookie?: unknown } | null;
  if (!stored || !packageStateOf(stored)?.user) throw new Error('the package stored no signed-in session');
  const { cookie: _cookie, ...data } = stored;
  return data;
}

/**
 * One Cookie header per connection, each a session of its own: a sign-in through the test kit on the
 * package's custom sign-in page (the guarded host page, the reference app), a sign-in through the
 * provider for express-openid-connect, a copy of a package session for express-session only (the same
 * data, so the same size to load, hash and save), none for plain Express.
 */
export async function openSessions(
  planned: PlannedTarget,
  target: TargetProcess,
  count: number,
  deps: { kit: CognitoLocal; packageSession: () => Promise<Record<string, unknown>> },
): Promise<string[]> {
  const user = { email: BENCH_EMAIL, password: BENCH_PASSWORD };
  switch (planned.kind) {
    case 'guarded':
      return times(count, () => signInToHost(deps.kit, target.url, user));
    case 'app':
      return times(count, () => signInToReferenceApp(target.url, user));
    case 'openid-connect':
      return times(count, () => signInToOpenIdConnect(target.url, OIDC_BASE_URL, 'bench-account'));
    case 'session-only': {
      const data = await deps.packageSession();
      return times(count, () => seedSession(target.url, data));
    }
    case 'session-tiny': {
      const user = packageStateOf(await deps.packageSession())!.user!;
      return times(count, () => seedSession(target.url, { user: { sub: user.sub, email: user.email } }));
    }
    case 'plain':
      return [];
  }
}
