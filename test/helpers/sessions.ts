import type session from 'express-session';
import { statesIn } from '../../src/auth/session-state';
import type { CognitoSessionState } from '../../src/auth/types';

/**
 * A session as the store holds it, with `cognito` standing for the state of the one router that wrote to
 * it (in the store, under a key that names its pool and client: `cognito:<client>@<issuer>`).
 */
export type StoredSession = session.SessionData & { cognito?: CognitoSessionState };

/** The state of the one router in a stored session (undefined when none); fails when several routers wrote to it. */
export function packageStateOf(sess: unknown): CognitoSessionState | undefined {
  const states = statesIn(sess);
  if (states.length > 1) throw new Error(`the session holds the states of ${states.length} routers: read the one you mean by its key`);
  return states[0]?.[1];
}

/** The session id inside a `sid=s%3A<id>.<signature>` cookie pair (what the store is keyed by). */
export function sessionIdOf(cookiePair: string): string {
  const value = decodeURIComponent(cookiePair.slice(cookiePair.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}

/** What the store holds under `sid` (null when nothing), with the router's state as `cognito`. */
export function storedSession(store: session.Store, sid: string): Promise<StoredSession | null> {
  return new Promise((resolve, reject) =>
    store.get(sid, (err, sess) => (err ? reject(err) : resolve(sess ? { ...sess, cognito: packageStateOf(sess) } : null))),
  );
}

/** Every session the store holds, by id, each with the router's state as `cognito`. */
export function storedSessions(store: session.Store): Promise<Record<string, StoredSession>> {
  return new Promise((resolve, reject) =>
    store.all!((err, all) =>
      err
        ? reject(err)
        : resolve(
            Object.fromEntries(
              Object.entries((all ?? {}) as Record<string, session.SessionData>).map(([sid, sess]) => [
                sid,
                { ...sess, cognito: packageStateOf(sess) },
              ]),
            ),
          ),
    ),
  );
}
