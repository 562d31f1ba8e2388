/**
 * `npm run bench`: one signed-in page served five ways, measured in one run with the rounds rotated: a
 * host app's page behind the package's `requiresAuth()` (`cognitoAuth()` mounted at /account), the
 * reference app's whole stack with the same guard, express-openid-connect 3 behind its `requiresAuth()`
 * (signed in at a local oidc-provider), express-session only, and plain Express, for each session store.
 * Reports req/s and server CPU per request, checks every body byte for byte, counts calls to Cognito,
 * store writes and Set-Cookie headers, and writes the table into BENCHMARKS.md and a chart into
 * test/bench/results/. Never part of `npm test`; asserts no timing.
 *
 * Environment: BENCH_DURATION, BENCH_ROUNDS, BENCH_WARMUP, BENCH_STORES (see settings.ts); BENCH_WRITE=0
 * prints the report without writing any file; BENCH_RENDER_ONLY=1 measures nothing and writes the report
 * and chart again from the last run's raw figures (test/bench/results/latest.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { OIDC_BASE_URL, SESSION_SECRET } from './constants';
import { startBenchEnvironment, type BenchEnvironment } from './environment';
import { load, measure } from './load';
import { describeMachine, loadAverage, sampleLoad } from './machine';
import { PAGE_PATH, renderExpectedPage } from './page';
import { planTargets, type PlannedTarget } from './plan';
import { readRedisCpuMicros } from './redis-cpu';
import { renderChart } from './report-chart';
import { goalSummaryLine, renderReport, writeReportInto } from './report-markdown';
import { sessionParts } from './session-parts';
import { summarise, type RoundMeasurement } from './results';
import { startTargetProcess, type TargetProcess } from './server-process';
import { readBenchSettings } from './settings';
import { openSessions, packageSessionData } from './sessions';
import { PROXY_HEADERS } from './sign-in';
import type { TargetSpec } from './targets/types';
import { runMain } from './run-main';

const ROOT = path.resolve(__dirname, '../..');
const RESULTS_DIR = path.join(__dirname, 'results');
const CHART_FILE = path.join(RESULTS_DIR, 'chart.svg');

const progress = (line: string) => process.stderr.write(`${line}\n`);

function specFor(planned: PlannedTarget, env: BenchEnvironment): TargetSpec {
  const { provider } = env;
  return {
    kind: planned.kind,
    store: planned.store,
    dataDir: path.join(env.dir, planned.key.replace('/', '-')),
    redisUrl: env.redisUrl,
    redisPrefix: `${planned.key}:`,
    sessionSecret: SESSION_SECRET,
    cognito: env.cognito,
    oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, baseUrl: OIDC_BASE_URL },
  };
}

/** The page answers the expected bytes to a signed-in connection, and (behind a guard) nothing to a stranger. */
async function verifyTarget(planned: PlannedTarget, target: TargetProcess, cookie: string | undefined, expected: string): Promise<void> {
  const signedIn = await fetch(`${target.url}${PAGE_PATH}`, { headers: { ...PROXY_HEADERS, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
  const body = await signedIn.text();
  if (signedIn.status !== 200 || body !== expected)
    throw new Error(`${planned.key}: the signed-in page is not the expected page (${signedIn.status})`);
  if (planned.kind === 'plain') return;
  const stranger = await fetch(`${target.url}${PAGE_PATH}`, { headers: { ...PROXY_HEADERS }, redirect: 'manual' });
  await stranger.arrayBuffer();
  // fetch() always sends `Sec-Fetch-Mode: cors`: requiresAuth() answers such a request with 401 JSON, not a redirect.
  const refused = (stranger.status >= 300 && stranger.status < 400) || stranger.status === 401;
  if (!refused) throw new Error(`${planned.key}: the page is not guarded (${stranger.status} without a session)`);
}

/** How big each kind of session is (the report says so: the bytes are what sessions cost). */
async function measureSessionBytes(
  targets: Map<string, TargetProcess>,
  cookies: Map<string, string[]>,
  packageSession: () => Promise<Record<string, unknown>>,
) {
  const cookieValue = (key: string) => cookies.get(key)?.[0]?.split('=').slice(1).join('=');
  const openidStore = [...targets.keys()].find((key) => key.startsWith('openid-connect/') && key !== 'openid-connect/cookie');
  const stored = openidStore ? targets.get(openidStore) : undefined;
  const storedId = openidStore ? cookieValue(openidStore) : undefined;
  return {
    package: JSON.stringify(await packageSession()).length,
    openidCookie: cookieValue('openid-connect/cookie')?.length,
    openidStored: stored && storedId ? JSON.stringify(await stored.readSession(decodeURIComponent(storedId))).length : undefined,
  };
}

/** The report and chart written again from the raw figures of the last run (after a change to the report's wording). */
function renderLastRunAgain(): void {
  const report = JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as Parameters<typeof renderReport>[0];
  writeReport(report);
}

function writeReport(report: Parameters<typeof renderReport>[0]): void {
  const { settings, machine } = report;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(
    CHART_FILE,
    renderChart(
      report.summaries,
      `${report.date}, ${machine.cores} × ${machine.cpuModel}, Node ${machine.node}, ${settings.connections} connections, median of ${settings.rounds} rounds of ${settings.durationSeconds} s`,
    ),
  );
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeReportInto(path.join(ROOT, 'BENCHMARKS.md'), renderReport(report));
  progress(`written: BENCHMARKS.md, ${path.relative(ROOT, CHART_FILE)}`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_RENDER_ONLY === '1') return renderLastRunAgain();
  const startedAt = Date.now();
  const loadBefore = loadAverage();
  const loadDuring = sampleLoad();
  const settings = readBenchSettings(process.env);
  const expectedBody = await renderExpectedPage();
  const planned = planTargets(settings.stores, settings.only);
  const env = await startBenchEnvironment();
  const targets = new Map<string, TargetProcess>();
  try {
    for (const p of planned) {
      targets.set(p.key, await startTargetProcess(specFor(p, env), { logFile: path.join(env.dir, `${p.key.replace('/', '-')}.log`) }));
    }
    const cookies = new Map<string, string[]>();
    const firstGuarded = planned.find((p) => p.kind === 'guarded') as PlannedTarget;
    let packageData: Promise<Record<string, unknown>> | undefined;
    const packageSession = () => (packageData ??= packageSessionData(targets.get(firstGuarded.key)!, cookies.get(firstGuarded.key)![0]!));
    for (const p of planned) {
      const target = targets.get(p.key)!;
      cookies.set(p.key, await openSessions(p, target, settings.connections, { kit: env.kit, packageSession }));
      await verifyTarget(p, target, cookies.get(p.key)![0], expectedBody);
      progress(`ready: ${p.key} (${cookies.get(p.key)!.length} sessions)`);
    }
    const sessionBytes = await measureSessionBytes(targets, cookies, packageSession);
    const loadOptions = (key: string, durationSeconds: number) => ({
      path: PAGE_PATH,
      connections: settings.connections,
      durationSeconds,
      cookies: cookies.get(key)!,
      expectedBody,
    });
    for (const p of planned) await load(targets.get(p.key)!.url, loadOptions(p.key, settings.warmupSeconds));

    env.provider.resetRequests();
    const measured = new Map<string, RoundMeasurement[]>(planned.map((p) => [p.key, []]));
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const p of planned) {
        const redisBefore = p.store === 'redis' ? await readRedisCpuMicros(env.redisUrl) : undefined;
        const m: RoundMeasurement = await measure(targets.get(p.key)!, loadOptions(p.key, settings.durationSeconds));
        if (redisBefore !== undefined) m.redisCpuMicros = (await readRedisCpuMicros(env.redisUrl)) - redisBefore;
        measured.get(p.key)!.push(m);
        progress(
          `round ${round}/${settings.rounds} ${p.key}: ${m.requestsPerSecond.toFixed(0)} req/s, ${m.cpuMicrosPerRequest.toFixed(0)} µs/req, ${m.mismatches + m.non2xx + m.errors} bad`,
        );
      }
    }
    const providerRequests = env.provider.requests();
    const summaries = planned.map((p) => summarise(p, measured.get(p.key)!, settings));
    for (const summary of summaries) summary.busiestSessionWritesPerMinute = (await targets.get(summary.key)!.busiestSession(60_000)) ?? undefined;
    const report = {
      date: new Date().toISOString().slice(0, 10),
      settings,
      machine: describeMachine(loadBefore, loadDuring()),
      summaries,
      providerRequests,
      sessionBytes,
      bodyBytes: Buffer.byteLength(expectedBody),
      sessionParts: sessionParts(await packageSession()),
      runSeconds: (Date.now() - startedAt) / 1000,
      chartFile: path.relative(ROOT, CHART_FILE),
    };
    const markdown = renderReport(report);
    process.stdout.write(`${markdown}\n\n`);
    for (const store of settings.stores) process.stdout.write(`${goalSummaryLine(report, store)}\n`);
    const bad = summaries.filter((s) => s.mismatches + s.non2xx + s.errors > 0);
    if (bad.length > 0) throw new Error(`responses that were not the expected page: ${bad.map((s) => s.key).join(', ')}; nothing written`);
    if (process.env.BENCH_WRITE !== '0') writeReport(report);
  } finally {
    await Promise.allSettled([...targets.values()].map((t) => t.stop()));
    await env.stop();
  }
}

runMain(main);
