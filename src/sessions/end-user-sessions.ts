import type session from 'express-session';
import type { SessionStoreHandle } from './store-handle';
import { knownUserSessionIndexFor } from './store-indexes';
import { endUserSessions as endIndexedSessions, type UserSessionIndex } from './user-sessions';

/** Options of {@link endUserSessions}. */
export interface EndUserSessionsOptions {
  /**
   * The session store the app's `cognitoAuth()` routers use: a handle from `createSqliteStore()`,
   * `createRedisStore()` or `createMemoryStore()`, or the bare express-session store of one of those.
   */
  store: SessionStoreHandle | session.Store;
  /** The user whose sessions end: Cognito's `sub`. */
  sub: string;
  /** The per-user index, for a store the package does not know (a handle of your own's `userSessions`). */
  index?: UserSessionIndex | undefined;
}

/**
 * For an administrator's tool: ends every session of the user `sub` on every instance sharing the store
 * (a disabled or compromised account). Each is marked ended before it is destroyed, so that a request
 * of theirs still in flight cannot write it back; the person's next request is signed out. It does not
 * revoke the user's tokens at Cognito: call `AdminUserGlobalSignOut` as well for that.
 *
 * @returns how many sessions ended.
 * @throws Error when the store has no per-user index the package knows and none was passed.
 */
export async function endUserSessions(options: EndUserSessionsOptions): Promise<{ ended: number }> {
  const handle = 'userSessions' in options.store && 'ready' in options.store ? options.store : undefined;
  const store = handle ? handle.store : (options.store as session.Store);
  const index = options.index ?? handle?.userSessions ?? knownUserSessionIndexFor(store);
  if (!index) throw new Error('endUserSessions: no per-user session index for this session store: pass `index`');
  const ended = await endIndexedSessions(index, store, options.sub);
  return { ended: ended.length };
}
