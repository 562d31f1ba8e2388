import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type session from 'express-session';
import { createMemoryStore, createRedisStore, createSqliteStore, type SessionStoreHandle } from '../../../src/index';

/** How many sessions each store is filled with. */
export const SESSIONS = 10_000;

/** What one store costs with {@link SESSIONS} sessions. */
export interface MemoryFigure {
  store: string;
  processRssMiB: number;
  redisBytes: number | undefined;
}

/**
 * A session shaped as the package stores it after a sign-in, everything under its one key (tokens of a
 * real Cognito pool's size: about 5 KB of JSON).
 */
function sampleSession(i: number): session.SessionData {
  const jwt = (n: number) => `eyJ${'x'.repeat(n)}.${'y'.repeat(n)}.${'z'.repeat(342)}`;
  const user = { sub: `sub-${i}`, username: `sub-${i}`, email: `u${i}@example.com`, provider: 'password', identities: [] };
  return {
    cookie: { originalMaxAge: 7_200_000, expires: new Date(Date.now() + 7_200_000), httpOnly: true, path: '/' },
    cognito: {
      user,
      tokens: { idToken: jwt(700), accessToken: jwt(600), refreshToken: jwt(1200), accessTokenExpiresAt: 0, idTokenExpiresAt: 0 },
      claims: { sub: `sub-${i}`, email: `u${i}@example.com`, token_use: 'id', iat: 0, exp: 0 },
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
      csrfToken: 'c'.repeat(64),
    },
  } as never;
}

function openStore(kind: 'memory' | 'sqlite' | 'redis', dir: string, redisUrl: string): SessionStoreHandle {
  if (kind === 'redis') return createRedisStore({ url: redisUrl, prefix: 'membench:' });
  return kind === 'sqlite' ? createSqliteStore({ file: path.join(dir, 'sessions.sqlite') }) : createMemoryStore();
}

function rssMiB(): number {
  global.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

/**
 * Runs in a process of its own (`session-memory.ts <store> <dir> <redisUrl>`, with --expose-gc), so the
 * figure is not blurred by anything else: RSS after a GC before and after filling the store, and for
 * Redis the server's used_memory.
 */
async function measureInThisProcess(kind: 'memory' | 'sqlite' | 'redis', dir: string, redisUrl: string): Promise<void> {
  const redisInfo = () => Number(/used_memory:(\d+)/.exec(execFileSync('redis-cli', ['-u', redisUrl, 'info', 'memory']).toString())?.[1]);
  const handle = openStore(kind, dir, redisUrl);
  await handle.ready;
  const before = rssMiB();
  const serverBefore = kind === 'redis' ? redisInfo() : 0;
  for (let i = 0; i < SESSIONS; i += 1) {
    await new Promise<void>((resolve, reject) =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the store callback's error, passed on as it came
      handle.store.set(`bench-${i}`, sampleSession(i), (err?: unknown) => (err ? reject(err) : resolve())),
    );
  }
  const figure: MemoryFigure = {
    store: kind,
    processRssMiB: rssMiB() - before,
    redisBytes: kind === 'redis' ? redisInfo() - serverBefore : undefined,
  };
  await handle.close();
  process.stdout.write(JSON.stringify(figure));
}

/** Measures each store in a fresh process. */
export function measureSessionMemory(redisUrl: string, dir: string): MemoryFigure[] {
  return (['memory', 'sqlite', 'redis'] as const).map((kind) => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, kind, path.join(dir, `mem-${kind}`), redisUrl]);
    return JSON.parse(out.toString()) as MemoryFigure;
  });
}

if (require.main === module) {
  const [kind, dir, redisUrl] = process.argv.slice(2) as ['memory' | 'sqlite' | 'redis', string, string];
  measureInThisProcess(kind, dir, redisUrl).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
