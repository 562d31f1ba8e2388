import type session from 'express-session';
import type { CognitoSessionState } from '../../src/auth/session-user';

/** A session as the store holds it: the package's state sits under its one key, `cognito`. */
export type StoredSession = session.SessionData & { cognito?: CognitoSessionState };

/** The session id inside a `sid=s%3A<id>.<signature>` cookie pair (what the store is keyed by). */
export function sessionIdOf(cookiePair: string): string {
  const value = decodeURIComponent(cookiePair.slice(cookiePair.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}

/** What the store holds under `sid` (null when nothing). */
export function storedSession(store: session.Store, sid: string): Promise<StoredSession | null> {
  return new Promise((resolve, reject) => store.get(sid, (err, sess) => (err ? reject(err) : resolve((sess as StoredSession | undefined) ?? null))));
}
