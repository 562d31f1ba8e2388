/**
 * `npm run bench:profile`: CPU profiles of the app's guarded page and of the same page with
 * express-session only (same store), under the same load as `npm run bench`, and a summary of where the
 * time goes, per request: by package (V8 builtins and Node internals count for the package that called
 * them), grouped into the cost centres of issue 11, and the top functions by self time. The profiler (V8's
 * sampling profiler, 100 µs interval, the same as `node --cpu-prof` writes) runs only during the measured
 * window, so start-up and the sign-ins are not in it.
 *
 * Environment: BENCH_PROFILE_STORE (default sqlite, the app's default store), BENCH_DURATION (default 8).
 * Writes test/bench/results/profile.md and the raw .cpuprofile files (open them in Chrome DevTools).
 */
import fs from 'node:fs';
import path from 'node:path';
import { byCostCentre, summariseProfile, type Bucket, type CpuProfile } from './cpu-profile-summary';
import { OIDC_BASE_URL, SESSION_SECRET, startBenchEnvironment } from './environment';
import { load, measure, type Measurement } from './load';
import { loadAverage } from './machine';
import { PAGE_PATH, renderExpectedPage } from './page';
import type { PlannedTarget } from './plan';
import { startTargetProcess, type TargetProcess } from './server-process';
import { STORE_KINDS, type SessionStoreKind } from './settings';
import { appSessionData, openSessions } from './sessions';

const RESULTS_DIR = path.join(__dirname, 'results');
const CONNECTIONS = 50;

function table(title: string, perRequest: (b: Bucket) => number, rows: Bucket[], columns: { name: string; of: (name: string) => string }[] = []): string[] {
  const out = [`| ${title} | µs/request | ${columns.map((c) => c.name).join(' | ')}${columns.length ? ' |' : ''}`];
  out.push(`| --- | ---: |${columns.map(() => ' ---: |').join('')}`);
  for (const b of rows) out.push(`| ${b.name.replace(/\|/g, '\\|')} | ${perRequest(b).toFixed(1)} |${columns.map((c) => ` ${c.of(b.name)} |`).join('')}`);
  return out;
}

async function main(): Promise<void> {
  const store = (process.env.BENCH_PROFILE_STORE ?? 'sqlite') as SessionStoreKind;
  if (!STORE_KINDS.includes(store)) throw new Error(`BENCH_PROFILE_STORE: unknown store ${store}`);
  const durationSeconds = Number(process.env.BENCH_DURATION ?? 8);
  const loadBefore = loadAverage();
  const expectedBody = await renderExpectedPage();
  const env = await startBenchEnvironment();
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  fs.mkdirSync(profileDir, { recursive: true });
  const planned: PlannedTarget[] = [
    { key: `app/${store}`, kind: 'app', store },
    { key: `session-only/${store}`, kind: 'session-only', store },
  ];
  const targets: TargetProcess[] = [];
  try {
    const cookies: string[][] = [];
    for (const p of planned) {
      const target = await startTargetProcess(
        {
          kind: p.kind,
          store,
          dataDir: path.join(env.dir, p.key.replace('/', '-')),
          redisUrl: env.redisUrl,
          redisPrefix: `${p.key}:`,
          sessionSecret: SESSION_SECRET,
          cognito: env.cognito,
          oidc: { issuer: env.provider.issuer, clientId: env.provider.clientId, clientSecret: env.provider.clientSecret, baseUrl: OIDC_BASE_URL },
        },
        { logFile: path.join(env.dir, `${p.key.replace('/', '-')}.log`), profileDir },
      );
      targets.push(target);
      cookies.push(await openSessions(p, target, CONNECTIONS, () => appSessionData(targets[0]!, cookies[0]![0]!)));
    }
    const options = (i: number, seconds: number) => ({ path: PAGE_PATH, connections: CONNECTIONS, durationSeconds: seconds, cookies: cookies[i]!, expectedBody });
    for (const [i, t] of targets.entries()) await load(t.url, options(i, 3));
    const results: { planned: PlannedTarget; m: Measurement; summary: ReturnType<typeof summariseProfile> }[] = [];
    for (const [i, t] of targets.entries()) {
      const m = await measure(t, options(i, durationSeconds));
      if (m.mismatches + m.non2xx + m.errors > 0) throw new Error(`${planned[i]!.key}: responses that were not the expected page`);
      const profile = JSON.parse(fs.readFileSync(m.server.profileFile!, 'utf8')) as CpuProfile;
      const target = path.join(profileDir, `${planned[i]!.key.replace('/', '-')}.cpuprofile`);
      fs.renameSync(m.server.profileFile!, target);
      results.push({ planned: planned[i]!, m, summary: summariseProfile(profile, 30) });
    }
    const [app, only] = results as [(typeof results)[number], (typeof results)[number]];
    const per = (r: typeof app) => (b: Bucket) => b.micros / r.m.server.requests;
    const onlyOwner = new Map(only.summary.selfByOwner.map((b) => [b.name, b.micros / only.m.server.requests]));
    const onlyCentre = new Map(byCostCentre(only.summary.selfByOwner).map((b) => [b.name, b.micros / only.m.server.requests]));
    const column = (m: Map<string, number>) => [{ name: 'express-session only', of: (n: string) => (m.has(n) ? m.get(n)!.toFixed(1) : '—') }];
    const lines = [
      `# CPU profile of the guarded page (${store} store)`,
      '',
      `Written by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}; load average before ${loadBefore}, after ${loadAverage()}. ${CONNECTIONS} connections, ${durationSeconds} s per page, sampling every 100 µs. Figures are µs of CPU per request; the profiler itself adds some.`,
      '',
      ...results.map(
        (r) =>
          `- ${r.planned.key}: ${r.m.requestsPerSecond.toFixed(0)} req/s while profiled; process CPU ${r.m.cpuMicrosPerRequest.toFixed(0)} µs/request; sampled (non-idle) ${(r.summary.totalMicros / r.m.server.requests).toFixed(0)} µs/request.`,
      ),
      '',
      '## Self time by cost centre',
      '',
      ...table('Cost centre', per(app), byCostCentre(app.summary.selfByOwner), column(onlyCentre)),
      '',
      '## Self time by owner (builtins and Node internals count for the package or app file that called them)',
      '',
      ...table('Owner', per(app), app.summary.selfByOwner.slice(0, 40), column(onlyOwner)),
      '',
      '## The app: top functions by self time',
      '',
      ...table('Function', per(app), app.summary.selfByFunction),
      '',
      '## express-session only: top functions by self time',
      '',
      ...table('Function', per(only), only.summary.selfByFunction.slice(0, 15)),
      '',
    ];
    fs.writeFileSync(path.join(RESULTS_DIR, 'profile.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.allSettled(targets.map((t) => t.stop()));
    await env.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
