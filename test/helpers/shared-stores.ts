import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import session from 'express-session';
import pino from 'pino';
import { createRedisSessionStore, type SessionStoreHandle } from '../../src/sessions';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store';
import { userSessionIndexFor } from '../../src/sessions/store-indexes';
import type { UserSessionIndex } from '../../src/sessions/user-sessions';
import { startTestRedis, type TestRedis } from './redis';

/** The session stores the package supports, each shared by two instances. */
export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;

/** Two store objects over one shared store (two app instances), and the per-user index they share. */
export interface SharedStore {
  stores: [session.Store, session.Store];
  index: UserSessionIndex;
}

/** What {@link useSharedStores} gives the tests of its `describe`. */
export interface SharedStoresFixture {
  /** Two instances over one store of this kind, closed after the test. */
  shared(kind: (typeof STORE_KINDS)[number]): Promise<SharedStore>;
  /** This test's own temp directory, removed after it. */
  readonly dir: string;
  /** The describe's redis-server. */
  readonly redisUrl: string;
  /** Runs after the test, before its directory goes. */
  onCleanup(...cleanups: Array<() => Promise<void> | void>): void;
}

const quiet = pino({ level: 'silent' });

/**
 * Registers the hooks of a `describe` whose tests run one journey over each store kind, as two app instances
 * would share it: a redis-server for the describe, a temp directory and cleanups for each test.
 */
export function useSharedStores(dirPrefix: string): SharedStoresFixture {
  let redis: TestRedis | undefined;
  let dir: string | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  before(async () => {
    redis = await startTestRedis();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  after(async () => {
    await redis?.destroy();
  });
  const fixture: SharedStoresFixture = {
    get dir() {
      if (!dir) throw new Error('no test is running');
      return dir;
    },
    get redisUrl() {
      if (!redis) throw new Error('redis-server is not started yet');
      return redis.url;
    },
    onCleanup: (...more) => void cleanups.push(...more),
    shared(kind) {
      if (kind === 'memory') {
        const store = new session.MemoryStore();
        return Promise.resolve({ stores: [store, store], index: userSessionIndexFor(store) });
      }
      if (kind === 'sqlite') {
        const file = path.join(fixture.dir, 'sessions.sqlite');
        const x = new SqliteSessionStore(file);
        const y = new SqliteSessionStore(file);
        cleanups.push(
          () => x.close(),
          () => y.close(),
        );
        return Promise.resolve({ stores: [x, y], index: x.userSessions });
      }
      // Both instances use one key prefix (the same sessions), of this test's own.
      const prefix = `s${Math.random().toString(36).slice(2)}:`;
      const handles: SessionStoreHandle[] = [
        createRedisSessionStore(fixture.redisUrl, quiet, prefix),
        createRedisSessionStore(fixture.redisUrl, quiet, prefix),
      ];
      cleanups.push(async () => {
        await Promise.all(handles.map((h) => h.close()));
      });
      return Promise.all(handles.map((h) => h.ready)).then(() => ({
        stores: [handles[0]!.store, handles[1]!.store],
        index: handles[0]!.userSessions,
      }));
    },
  };
  return fixture;
}
