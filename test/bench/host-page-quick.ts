/**
 * `npm run bench:quick`: a quick look at what a host's guarded page costs, for working on the package's
 * per-request path (the full comparison, express-openid-connect included, is `npm run bench`).
 *
 * Three pages, each in a child process of its own with NODE_ENV=production (view cache on) behind a
 * trusted proxy (`X-Forwarded-Proto: https`), all rendering the same small EJS page at GET /orders:
 *   guarded       a host app with `cognitoAuth()` at /account (its own session on the memory store,
 *                 https baseUrl, Secure cookie), `app.use(auth.context())`, `requiresAuth()` on the page;
 *   session-only  express-session alone (same store, same cookie, a copy of the same session data) and a
 *                 one-line user check;
 *   plain         Express and the page.
 * Every connection is signed in through the package's sign-in page against a cognito-local started by
 * the test kit. autocannon loads each page in rotated rounds, checking every body byte for byte. Printed:
 * req/s and server CPU µs per request (process.cpuUsage() in the child over the window), store writes
 * and Set-Cookie headers per session (over the whole run, which lasts more than a minute after the
 * sign-ins, and per minute under load), and calls to Cognito.
 *
 * Settings: QUICK_DURATION (s per window, 3), QUICK_ROUNDS (8), QUICK_CONNECTIONS (50), QUICK_STORE
 * (`memory`, or `sqlite`: a file of each page's own in a temp directory),
 * QUICK_PROFILE=1 (V8 CPU profiles of the measured windows, the profiler started and stopped in each child
 * through node:inspector; the top self-time functions are printed and the .cpuprofile files kept).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import ejs from 'ejs';
import { csrfTokenOf, startCognitoLocal } from '../../src/testing';
import { COOKIE, EMAIL, ORDERS, PROFILE, STORE, TARGETS, TEMPLATE, type ChildInit, type Target, type Window } from './host-page-quick-child';

const DURATION_S = Number(process.env.QUICK_DURATION ?? 3);
const ROUNDS = Number(process.env.QUICK_ROUNDS ?? 8);
const CONNECTIONS = Number(process.env.QUICK_CONNECTIONS ?? 50);
const PROXY = { 'x-forwarded-proto': 'https' };

// ---------------------------------------------------------------- parent: sign in, load, report

interface Child { target: Target; url: string; proc: ChildProcess; ask(op: string): Promise<{ window?: Window }> }

async function startChild(init: ChildInit): Promise<Child> {
  const proc = fork(path.join(__dirname, 'host-page-quick-child.ts'), ['child'], { execArgv: ['--import', 'tsx'], env: { ...process.env, NODE_ENV: 'production' } });
  proc.send(init);
  const port = await new Promise<number>((resolve) => proc.once('message', (m: { port: number }) => resolve(m.port)));
  const ask = (op: string) =>
    new Promise<{ window?: Window }>((resolve) => {
      proc.once('message', (m) => resolve(m as { window?: Window }));
      proc.send({ op });
    });
  return { target: init.target, url: `http://127.0.0.1:${port}`, proc, ask };
}

/** The signed-out forms' CSRF cookie (viewing the sign-in page stores no session). */
const CSRF_COOKIE = '__Host-cognito.csrf';

function cookieOf(res: Response, name = COOKIE): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie (${res.status})`);
  return line.split(';')[0] as string;
}

/**
 * One browser signing in through the package's own sign-in page, as the kit's `signIn` does but over
 * fetch: supertest's cookie jar would not send the Secure cookie over plain http. Resolves with the
 * session cookie.
 */
async function signIn(base: string, user: { email: string; password: string }): Promise<string> {
  const page = await fetch(`${base}/account/login`, { headers: PROXY });
  const cookie = cookieOf(page, CSRF_COOKIE);
  const body = new URLSearchParams({ email: user.email, password: user.password, _csrf: csrfTokenOf(await page.text(), '/account/login') });
  const res = await fetch(`${base}/account/login`, { method: 'POST', redirect: 'manual', headers: { ...PROXY, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return cookieOf(res);
}

async function measure(child: Child, cookies: string[], expected: string, seconds: number): Promise<{ rps: number; window: Window; bad: number }> {
  await child.ask('start');
  let next = 0;
  const result = await autocannon({
    url: `${child.url}/orders`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: PROXY,
    expectBody: expected,
    setupClient: (client) => client.setHeaders({ ...PROXY, cookie: cookies[next++ % cookies.length] as string }),
  });
  const { window } = await child.ask('stop');
  return { rps: result.requests.total / seconds, window: window as Window, bad: result.mismatches + result.non2xx + result.errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Self time per function over the profiles of one target, top `n`, as Markdown rows. */
function topSelfTime(files: string[], n = 25): string[] {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };
    const byId = new Map(p.nodes.map((node) => [node.id, node.callFrame]));
    p.samples.forEach((id, i) => {
      const f = byId.get(id)!;
      if (f.functionName === '(idle)') return;
      const where = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|test)\//, '$1/');
      const key = `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
      const dt = p.timeDeltas[i] ?? 0;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    });
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `| ${(100 * v / total).toFixed(1)}% | ${k} |`);
}

async function main(): Promise<void> {
  const load0 = os.loadavg().map((l) => l.toFixed(2)).join(', ');
  const viewsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-page-quick-'));
  fs.writeFileSync(path.join(viewsDir, 'orders.ejs'), TEMPLATE);
  const expected = ejs.render(TEMPLATE, { email: EMAIL, orders: ORDERS });
  const cognito = await startCognitoLocal({ baseUrl: 'https://shop.example.com', mountPath: '/account' });
  const children: Child[] = [];
  try {
    const user = await cognito.createUser({ email: EMAIL });
    for (const target of TARGETS) children.push(await startChild({ target, viewsDir, cognito: cognito.options }));
    const [guarded, sessionOnly] = children as [Child, Child, Child];
    const guardedCookies: string[] = [];
    for (let i = 0; i < CONNECTIONS; i += 1) guardedCookies.push(await signIn(guarded.url, user));
    const signedInAt = Date.now();
    // The session-only page gets a copy of one signed-in session's data under each of its own cookies.
    const stored = await storedSessionOf(guarded, guardedCookies[0] as string);
    const seeded: string[] = [];
    for (let i = 0; i < CONNECTIONS; i += 1) {
      const res = await fetch(`${sessionOnly.url}/bench/seed`, { method: 'POST', headers: { ...PROXY, 'content-type': 'application/json' }, body: JSON.stringify(stored) });
      seeded.push(cookieOf(res));
    }
    const cookiesOf = { guarded: guardedCookies, 'session-only': seeded, plain: guardedCookies };
    for (const child of [guarded, sessionOnly]) {
      const out = await fetch(`${child.url}/orders`, { headers: PROXY, redirect: 'manual' });
      // fetch() always says `Sec-Fetch-Mode: cors`: requiresAuth() answers such a request with 401 JSON, not a redirect.
      if (out.status !== 303 && out.status !== 401) throw new Error(`${child.target}: a signed-out request answered ${out.status}, not 303 or 401`);
    }
    for (const child of children) await measure(child, cookiesOf[child.target], expected, 2); // warm-up
    const rounds: Record<Target, Array<{ rps: number; window: Window }>> = { guarded: [], 'session-only': [], plain: [] };
    const started = Date.now();
    for (let r = 0; r < ROUNDS; r += 1) {
      for (let k = 0; k < children.length; k += 1) {
        const child = children[(r + k) % children.length] as Child;
        const m = await measure(child, cookiesOf[child.target], expected, DURATION_S);
        if (m.bad > 0) throw new Error(`${child.target}: ${m.bad} responses were not the expected page`);
        rounds[child.target].push(m);
      }
    }
    const sessionBytes = Buffer.byteLength(JSON.stringify(stored));
    report(rounds, { load0, sessionBytes, minutes: (Date.now() - started) / 60_000, sinceSignIn: (Date.now() - signedInAt) / 60_000 });
  } finally {
    for (const child of children) child.proc.send({ op: 'exit' });
    await cognito.stop();
    if (!PROFILE) fs.rmSync(viewsDir, { recursive: true, force: true });
  }
}

/** The stored data (cookie aside) of one of the guarded page's sessions, from its child over IPC. */
async function storedSessionOf(guarded: Child, cookie: string): Promise<Record<string, unknown>> {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const sid = value.slice(2, value.lastIndexOf('.'));
  return new Promise((resolve) => {
    guarded.proc.once('message', (m) => resolve((m as { data: Record<string, unknown> }).data));
    guarded.proc.send({ op: 'dump', sid });
  });
}

function report(rounds: Record<Target, Array<{ rps: number; window: Window }>>, run: { load0: string; sessionBytes: number; minutes: number; sinceSignIn: number }): void {
  const rps = (t: Target) => median(rounds[t].map((m) => m.rps));
  const cpu = (t: Target) => median(rounds[t].map((m) => m.window.cpuMicros / m.window.requests));
  const sum = (t: Target, k: keyof Omit<Window, 'profile'>) => rounds[t].reduce((s, m) => s + m.window[k], 0);
  const windowMinutes = (ROUNDS * DURATION_S) / 60;
  const ratio = median(rounds.guarded.map((m, i) => m.rps / (rounds['session-only'][i] as { rps: number }).rps));
  console.log(`\n${STORE} store (stored session: ${run.sessionBytes} bytes of JSON), ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections; load average before ${run.load0}, after ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}; ${run.minutes.toFixed(1)} min from the first window to the last, ${run.sinceSignIn.toFixed(1)} min since the sign-ins\n`);
  console.log(`| Page | req/s | Server CPU µs/req | Store writes per session: whole run, per minute under load | Set-Cookie per session: whole run, per minute under load | Cognito calls |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const t of TARGETS) {
    const perSession = (k: 'storeWrites' | 'setCookies') =>
      t === 'plain' ? '—' : `${(sum(t, k) / CONNECTIONS).toFixed(1)}, ${(sum(t, k) / CONNECTIONS / windowMinutes).toFixed(1)}`;
    console.log(`| ${t} | ${rps(t).toFixed(0)} | ${cpu(t).toFixed(0)} | ${perSession('storeWrites')} | ${perSession('setCookies')} | ${t === 'guarded' ? sum(t, 'cognitoCalls') : '—'} |`);
  }
  console.log(`\nguarded ÷ session-only (median of per-round ratios): ${ratio.toFixed(2)}×; guarded CPU over session-only: ${(cpu('guarded') - cpu('session-only')).toFixed(0)} µs/req`);
  console.log(`req/s per round: ${TARGETS.map((t) => `${t} ${rounds[t].map((m) => m.rps.toFixed(0)).join('/')}`).join('; ')}`);
  if (!PROFILE) return;
  for (const t of TARGETS) {
    const files = rounds[t].map((m) => m.window.profile as string);
    console.log(`\nTop self time, ${t} (profiles: ${path.dirname(files[0] as string)}/${t}-*.cpuprofile)\n\n| self | function |\n| ---: | --- |`);
    console.log(topSelfTime(files).join('\n'));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
