import type session from 'express-session';
import type { UserSessionIndex } from './user-sessions';

/** Sends one raw command on the store's Redis connection (rate-limit-redis's `sendCommand`). */
export type SendRedisCommand = (...args: string[]) => Promise<unknown>;

/**
 * A session store made by `createSqliteStore()`, `createRedisStore()` or `createMemoryStore()`:
 * the express-session store, with what running it needs. Every operation answers within the store's
 * time limit (a hung Redis or a locked SQLite file gives a 503 page, not a hung request).
 */
export interface SessionStoreHandle {
  /** The express-session store. */
  store: session.Store;
  /** The per-user index of session ids kept in the same store (what "end every session of X" reads). */
  userSessions: UserSessionIndex;
  /** Resolves once the store can serve (Redis connected); a store that is down later reconnects by itself. */
  ready: Promise<void>;
  /** True when the store answers now (for a readiness probe). */
  ping: () => Promise<boolean>;
  /** Closes the connection or the file. */
  close: () => Promise<void>;
  /** Redis only: the store's connection, so that rate-limit counts are shared by every instance. */
  sendCommand?: SendRedisCommand;
}
