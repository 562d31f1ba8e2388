/**
 * `npm run bench`: throughput of a signed-in page against the same page without the auth guard, the
 * number of calls that reached Cognito meanwhile, sign-in throughput through the custom page, and memory
 * with 10 000 sessions in each store. Prints a Markdown report (copy it into BENCHMARKS.md).
 *
 * Everything runs on this machine: a cognito-local and (for the Redis figures) a redis-server of its own,
 * on free ports in temp directories. No timing is asserted anywhere; this only measures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import autocannon from 'autocannon';
import express from 'express';
import type session from 'express-session';
import pino from 'pino';
import { createApp } from '../../src/app/app';
import { authOptionsFrom } from '../../src/app/auth-options';
import { createSessionStore } from '../../src/app/session-store';
import type { CognitoSessionState } from '../../src/auth/session-user';
import { createCognitoClient } from '../../src/cognito/client';
import { startEmulator } from '../../src/cognito/emulator';
import { provisionEmulatorPool } from '../../src/cognito/provision';
import { loadConfig } from '../../src/app/config';
import { languageSwitchHref, localeMiddleware, type Locale } from '../../src/i18n';
import { cognitoAuth } from '../../src/index';
import { createRedisSessionStore, type SessionStoreHandle } from '../../src/sessions';
import { createSessionMiddleware } from '../../src/sessions/middleware';
import { cognitoOptionsOf, resolveCognitoSettings } from '../helpers/app';
import { freePort } from '../helpers/ports';
import { startTestRedis } from '../helpers/redis';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;
const SESSIONS = 10_000;
const SECRET = 'bench-secret-bench-secret-bench-secret';
const PASSWORD = 'Passw0rd!Bench';
const quiet = pino({ level: 'silent' });

async function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
}

/** A cookie jar of one: the sid cookie from a response. */
function sidOf(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('sid='))?.split(';')[0];
}

async function signIn(base: string, email: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const cookie = sidOf(page) as string;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] as string;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return sidOf(res) as string;
}

/** Counts every call the app makes to Cognito: SDK commands, and fetch (token endpoint, JWKS). */
function countCognitoCalls(client: CognitoIdentityProviderClient) {
  let count = 0;
  const counted = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: never) => ((count += 1), target.send(command));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => ((count += 1), realFetch(...args))) as typeof fetch;
  return { client: counted, count: () => count, reset: () => (count = 0) };
}

/** The app's configuration for a benchmark: the bench's emulator, silent logs, no per-IP limit in the way. */
function benchConfig(ctx: BenchContext) {
  return loadConfig({
    NODE_ENV: 'test',
    APP_BASE_URL: ctx.appBaseUrl,
    COGNITO_ENDPOINT: ctx.emulatorUrl,
    SESSION_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
  });
}

async function pageBenchmark(store: SessionStoreHandle, label: string, ctx: BenchContext) {
  const config = benchConfig(ctx);
  const counter = countCognitoCalls(ctx.client);
  const app = benchApp(ctx, store, counter.client);
  const guarded = await listen(app);

  // The same page without the guard: same session middleware and store, same template and data, no
  // Passport, no requireAuth (and no helmet, CSRF or request logging).
  const bare = express();
  bare.set('view engine', 'ejs');
  bare.set('views', [path.resolve(__dirname, '../../views/app'), path.resolve(__dirname, '../../views')]);
  bare.use(
    createSessionMiddleware({
      cookieName: config.session.cookieName,
      secret: SECRET,
      secure: false,
      idleMs: config.session.idleTimeoutSeconds * 1000,
      absoluteMs: config.session.absoluteTimeoutSeconds * 1000,
      store: store.store,
      index: store.userSessions,
      clock: Date.now,
    }).handler,
  );
  bare.use(localeMiddleware({ secureCookie: false }));
  bare.get('/complete', (req, res) => {
    const s = (req.session as unknown as { cognito?: CognitoSessionState }).cognito;
    res.render('complete', {
      url: (p: string) => p,
      homeUrl: '/',
      user: s?.user,
      claims: s?.claims ?? {},
      tokens: s?.tokens,
      rawTokens: s?.tokens,
      emulator: true,
      languageHref: (locale: Locale) => languageSwitchHref('/complete', locale),
      csrfToken: () => 'x',
      takeNotice: () => undefined,
      mailbox: false,
    });
  });
  const unguarded = await listen(bare);

  const cookie = await signIn(guarded.url, ctx.email);
  counter.reset();
  const withGuard = await load(`${guarded.url}/complete`, { cookie });
  const cognitoCalls = counter.count();
  const withoutGuard = await load(`${unguarded.url}/complete`, { cookie });
  await guarded.close();
  await unguarded.close();
  const ok = (r: autocannon.Result) => r.non2xx === 0 && r.errors === 0;
  return {
    label,
    guarded: withGuard.requests.average,
    guardedP99: withGuard.latency.p99,
    unguarded: withoutGuard.requests.average,
    unguardedP99: withoutGuard.latency.p99,
    ratio: withGuard.requests.average / withoutGuard.requests.average,
    cognitoCalls,
    clean: ok(withGuard) && ok(withoutGuard),
  };
}

/** The reference app as server.ts builds it, on the bench's emulator and `store`. */
function benchApp(ctx: BenchContext, store: SessionStoreHandle, client: CognitoIdentityProviderClient): express.Express {
  const config = benchConfig(ctx);
  const auth = cognitoAuth(authOptionsFrom(config, { cognito: { ...cognitoOptionsOf(ctx.settings), client }, sessionStore: store, sessionSecret: SECRET, logger: quiet }));
  return createApp({ config, auth, logger: quiet, cognitoOrigin: new URL(ctx.settings.authorizationUrl).origin });
}

async function signInThroughput(ctx: BenchContext): Promise<{ perSecond: number; total: number }> {
  const store = createSessionStore({ dataDir: ctx.dir, session: { store: 'memory' } as never }, quiet);
  const app = benchApp(ctx, store, ctx.client);
  const server = await listen(app);
  const deadline = Date.now() + DURATION_S * 1000;
  let total = 0;
  await Promise.all(
    ctx.emails.map(async (email) => {
      while (Date.now() < deadline) {
        await signIn(server.url, email);
        total += 1;
      }
    }),
  );
  await server.close();
  return { perSecond: total / DURATION_S, total };
}

/** A session as the app stores it after a sign-in (tokens of realistic size). */
function sampleSession(i: number): session.SessionData {
  const jwt = (n: number) => `eyJ${'x'.repeat(n)}.${'y'.repeat(n)}.${'z'.repeat(342)}`;
  return {
    cookie: { originalMaxAge: 7_200_000, expires: new Date(Date.now() + 7_200_000), httpOnly: true, path: '/' },
    cognito: {
      user: { sub: `sub-${i}`, username: `sub-${i}`, email: `u${i}@example.com`, provider: 'password' },
      tokens: { idToken: jwt(700), accessToken: jwt(600), refreshToken: jwt(1200), accessTokenExpiresAt: 0, idTokenExpiresAt: 0 },
      claims: { sub: `sub-${i}`, email: `u${i}@example.com`, token_use: 'id', iat: 0, exp: 0 },
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
    },
  } as never;
}

async function fill(store: session.Store, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await new Promise<void>((resolve, reject) => store.set(`bench-${i}`, sampleSession(i), (err) => (err ? reject(err) : resolve())));
  }
}

function rssMiB(): number {
  global.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

/**
 * In a process of its own (`--memory <store> <dir> <redisUrl>`), so the figure is not blurred by the load
 * runs: RSS after a GC, before and after filling the store; for Redis also the server's used_memory.
 */
async function memoryChild(kind: 'memory' | 'sqlite' | 'redis', dir: string, redisUrl: string): Promise<void> {
  const redisInfo = () => Number(/used_memory:(\d+)/.exec(execFileSync('redis-cli', ['-u', redisUrl, 'info', 'memory']).toString())?.[1]);
  const handle =
    kind === 'redis'
      ? createRedisSessionStore(redisUrl, quiet, 'membench:')
      : createSessionStore({ dataDir: dir, session: { store: kind } as never }, quiet);
  await handle.ready;
  const before = rssMiB();
  const serverBefore = kind === 'redis' ? redisInfo() : 0;
  await fill(handle.store, SESSIONS);
  const result = { store: kind, appRss: rssMiB() - before, serverBytes: kind === 'redis' ? redisInfo() - serverBefore : undefined };
  await handle.close();
  process.stdout.write(JSON.stringify(result));
}

function memoryBenchmark(redisUrl: string, dir: string) {
  return (['memory', 'sqlite', 'redis'] as const).map((kind) => {
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--memory', kind, path.join(dir, `mem-${kind}`), redisUrl]);
    return JSON.parse(out.toString()) as { store: string; appRss: number; serverBytes?: number };
  });
}

interface BenchContext {
  dir: string;
  email: string;
  emails: string[];
  emulatorUrl: string;
  appBaseUrl: string;
  client: CognitoIdentityProviderClient;
  settings: ReturnType<typeof resolveCognitoSettings>;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const emulator = await startEmulator({ dir: path.join(dir, 'cognito'), port: await freePort() });
  const redis = await startTestRedis();
  const appBaseUrl = 'http://localhost:3000';
  try {
    const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
    const ids = await provisionEmulatorPool(client, appBaseUrl);
    const baseConfig = loadConfig({ COGNITO_ENDPOINT: emulator.url, APP_BASE_URL: appBaseUrl });
    const settings = resolveCognitoSettings(baseConfig, ids, emulator.url);
    // One account per connection: the per-address sign-in limiter counts requests in flight.
    const emails = Array.from({ length: CONNECTIONS }, (_, i) => `bench${i}@example.com`);
    const { SignUpCommand, AdminConfirmSignUpCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    for (const email of emails) {
      await client.send(new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      await client.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.userPoolId, Username: email }));
    }
    const ctx: BenchContext = { dir, email: emails[0] as string, emails, emulatorUrl: emulator.url, appBaseUrl, client, settings };

    const pages = [];
    for (const kind of ['sqlite', 'redis'] as const) {
      const handle =
        kind === 'redis'
          ? createRedisSessionStore(redis.url, quiet)
          : createSessionStore({ dataDir: path.join(dir, 'pages'), session: { store: 'sqlite' } as never }, quiet);
      await handle.ready;
      pages.push(await pageBenchmark(handle, kind, ctx));
      await handle.close();
    }
    const signIns = await signInThroughput(ctx);
    const memory = memoryBenchmark(redis.url, dir);

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const out: string[] = [];
    out.push(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`);
    out.push(`Load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run, app and load generator on the same 2 cores.`);
    out.push('');
    out.push('| Session store | Signed-in page (req/s, p99 ms) | Same page without the guard (req/s, p99 ms) | Ratio | Calls to Cognito during the signed-in run | All 2xx |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const p of pages) {
      out.push(`| ${p.label} | ${p.guarded.toFixed(0)}, ${p.guardedP99} | ${p.unguarded.toFixed(0)}, ${p.unguardedP99} | ${p.ratio.toFixed(2)} | ${p.cognitoCalls} | ${p.clean ? 'yes' : 'NO'} |`);
    }
    out.push('');
    out.push(`Sign-in through the custom page (GET /login + POST /login, AdminInitiateAuth on cognito-local, ${CONNECTIONS} concurrent): ${signIns.perSecond.toFixed(1)} sign-ins/s (${signIns.total} in ${DURATION_S} s).`);
    out.push('');
    out.push(`| Store | App process RSS growth with ${SESSIONS} sessions | Server memory growth |`);
    out.push('| --- | --- | --- |');
    for (const m of memory) {
      out.push(`| ${m.store} | ${m.appRss.toFixed(1)} MiB | ${m.serverBytes === undefined ? '—' : `${(m.serverBytes / 2 ** 20).toFixed(1)} MiB (redis used_memory)`} |`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    client.destroy();
  } finally {
    await emulator.stop();
    await redis.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const memoryArgs = process.argv.indexOf('--memory');
const run = memoryArgs > 0
  ? () => memoryChild(process.argv[memoryArgs + 1] as never, process.argv[memoryArgs + 2] as string, process.argv[memoryArgs + 3] as string)
  : main;

run().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
