import type BetterSqlite3 from 'better-sqlite3';
import session from 'express-session';
import type { UserSessionIndex } from './user-sessions';

/** How often expired rows are swept, in milliseconds. */
const SWEEP_INTERVAL_MS = 15 * 60 * 1000;
/** Lifetime of a session whose cookie has no expiry, in milliseconds. */
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
/** How long to wait before trying a statement again while another connection holds the lock. */
const BUSY_RETRY_MS = 25;

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** Tuning of {@link SqliteSessionStore}. */
export interface SqliteStoreOptions {
  /**
   * How long an operation keeps trying while another connection holds the database locked, in
   * milliseconds, before it fails with SQLITE_BUSY. Default 2000.
   */
  busyTimeoutMs?: number;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * An express-session store in one SQLite file (better-sqlite3), so sessions survive a restart without
 * any server. One row per session: id, JSON data, expiry; expired rows are ignored on read and swept.
 * It keeps the per-user session index too ({@link userSessions}: two small tables in the same file,
 * swept alike), so every process that opens the file shares it.
 */
export class SqliteSessionStore extends session.Store {
  private readonly db: BetterSqlite3.Database;
  private readonly sweeper: NodeJS.Timeout;
  private readonly statements;
  private readonly busyTimeoutMs: number;
  /** The per-user index of this store's sessions. */
  readonly userSessions: UserSessionIndex;

  constructor(filename: string, options: SqliteStoreOptions = {}) {
    super();
    this.busyTimeoutMs = options.busyTimeoutMs ?? 2000;
    // better-sqlite3 is synchronous: SQLite's own busy wait would freeze the whole process for every
    // request while another connection holds the lock. Fail at once instead and retry on a timer (run()).
    this.db = new (loadBetterSqlite3())(filename, { timeout: 0 });
    // exec, not pragma(): pragma() prepares a statement and drops it, and better-sqlite3 12 built for
    // Node.js 24.19 or later aborts the process when the garbage collector finalizes a dropped statement
    // outside JavaScript (nodejs/node#65446, WiseLibs/better-sqlite3#1515). Every statement this store
    // prepares, it keeps for its lifetime (below).
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expires INTEGER NOT NULL)');
    this.db.exec('CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires)');
    this.db.exec('CREATE TABLE IF NOT EXISTS user_sessions (sub TEXT NOT NULL, sid TEXT NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (sub, sid))');
    this.db.exec('CREATE INDEX IF NOT EXISTS user_sessions_expires ON user_sessions (expires)');
    this.db.exec('CREATE TABLE IF NOT EXISTS ended_sessions (sid TEXT PRIMARY KEY, until INTEGER NOT NULL)');
    this.statements = {
      get: this.db.prepare<[string, number], { sess: string }>('SELECT sess FROM sessions WHERE sid = ? AND expires > ?'),
      set: this.db.prepare<[string, string, number]>(
        'INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires',
      ),
      touch: this.db.prepare<[number, string]>('UPDATE sessions SET expires = ? WHERE sid = ?'),
      destroy: this.db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
      length: this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE expires > ?'),
      clear: this.db.prepare('DELETE FROM sessions'),
      sweep: this.db.prepare<[number]>('DELETE FROM sessions WHERE expires <= ?'),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      rollback: this.db.prepare('ROLLBACK'),
      userAdd: this.db.prepare<[string, string, number]>(
        'INSERT INTO user_sessions (sub, sid, expires) VALUES (?, ?, ?) ON CONFLICT(sub, sid) DO UPDATE SET expires = excluded.expires',
      ),
      userRemove: this.db.prepare<[string, string]>('DELETE FROM user_sessions WHERE sub = ? AND sid = ?'),
      userList: this.db.prepare<[string, number], { sid: string }>('SELECT sid FROM user_sessions WHERE sub = ? AND expires > ?'),
      userSweep: this.db.prepare<[number]>('DELETE FROM user_sessions WHERE expires <= ?'),
      markEnded: this.db.prepare<[string, number]>(
        'INSERT INTO ended_sessions (sid, until) VALUES (?, ?) ON CONFLICT(sid) DO UPDATE SET until = excluded.until',
      ),
      wasEnded: this.db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM ended_sessions WHERE sid = ? AND until > ?'),
      endedSweep: this.db.prepare<[number]>('DELETE FROM ended_sessions WHERE until <= ?'),
    };
    this.userSessions = this.createUserSessionIndex();
    this.sweeper = setInterval(() => this.run(undefined, () => this.sweep()), SWEEP_INTERVAL_MS).unref();
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    this.run(cb, () => {
      const row = this.statements.get.get(sid, Date.now());
      return row ? (JSON.parse(row.sess) as session.SessionData) : null;
    });
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    this.run(cb, () => {
      this.statements.set.run(sid, JSON.stringify(sess), expiryOf(sess));
    });
  }

  override touch(sid: string, sess: session.SessionData, cb?: Callback): void {
    this.run(cb, () => {
      this.statements.touch.run(expiryOf(sess), sid);
    });
  }

  override destroy(sid: string, cb?: Callback): void {
    this.run(cb, () => {
      this.statements.destroy.run(sid);
    });
  }

  override length(cb: Callback<number>): void {
    this.run(cb, () => this.statements.length.get(Date.now())?.n ?? 0);
  }

  override clear(cb?: Callback): void {
    this.run(cb, () => {
      this.statements.clear.run();
    });
  }

  /** Deletes expired sessions, index entries and ended marks now. */
  sweep(): void {
    const now = Date.now();
    this.statements.sweep.run(now);
    this.statements.userSweep.run(now);
    this.statements.endedSweep.run(now);
  }

  /** True when the store can write now: it takes the write lock, within the busy timeout, and lets go. */
  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      this.run(
        (err) => resolve(!err),
        () => {
          this.statements.begin.run();
          this.statements.rollback.run();
        },
      );
    });
  }

  /** Stops the sweeper and closes the database file. */
  close(): void {
    clearInterval(this.sweeper);
    this.db.close();
  }

  private createUserSessionIndex(): UserSessionIndex {
    const { statements: st, db } = this;
    return {
      add: (sub, sid, expiresAt) => this.runAsync(() => void st.userAdd.run(sub, sid, expiresAt)),
      remove: (sub, sid) => this.runAsync(() => void st.userRemove.run(sub, sid)),
      list: (sub) => this.runAsync(() => st.userList.all(sub, Date.now()).map((row) => row.sid)),
      markEnded: (sids, until) =>
        this.runAsync(() =>
          db.transaction(() => {
            for (const sid of sids) st.markEnded.run(sid, until);
          })(),
        ),
      wasEnded: (sid) => this.runAsync(() => (st.wasEnded.get(sid, Date.now())?.n ?? 0) > 0),
    };
  }

  /** {@link run} as a promise: the index's operations retry a locked database like the store's own. */
  private runAsync<T>(work: () => T): Promise<T> {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the store callback's error, passed on as it came
    return new Promise((resolve, reject) => this.run<T>((err, value) => (err ? reject(err) : resolve(value as T)), work));
  }

  /** Runs `work`, trying again on a timer while the database is locked, until the busy timeout. */
  private run<T>(cb: Callback<T> | undefined, work: () => T): void {
    const deadline = Date.now() + this.busyTimeoutMs;
    const attempt = () => {
      let value: T;
      try {
        value = work();
      } catch (err) {
        if (isBusy(err) && Date.now() + BUSY_RETRY_MS <= deadline) {
          setTimeout(attempt, BUSY_RETRY_MS);
          return;
        }
        cb?.(err);
        return;
      }
      cb?.(undefined, value);
    };
    attempt();
  }
}

/**
 * better-sqlite3 is loaded when a SQLite store is made, not when the package is: hosts on Redis or memory
 * need no native module (it is an optional dependency).
 */
function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, loaded synchronously on first use; a missing one is MODULE_NOT_FOUND here
    return require('better-sqlite3') as typeof BetterSqlite3;
  } catch (err) {
    // Only a missing module means "install it"; a broken build (another Node's ABI) passes on as it is.
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('the SQLite session store needs better-sqlite3: npm install better-sqlite3', { cause: err });
  }
}

function expiryOf(sess: session.SessionData): number {
  const expires = sess.cookie?.expires;
  return expires ? new Date(expires).getTime() : Date.now() + DEFAULT_TTL_MS;
}
