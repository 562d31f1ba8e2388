/**
 * `npm run bench:profile`: CPU profiles of the host's page behind the package's `requiresAuth()`, of the
 * same page in the reference app's whole stack, and of the same page with express-session only (same
 * store; a copy of the package's session, and a tiny one), under the same load as `npm run bench`, and a summary of where the time goes per request: by cost centre, by package (V8 builtins and Node internals count for the
 * package that called them), and the top functions by self time. The profiler is V8's sampling CPU
 * profiler (what `node --cpu-prof` runs, here at a 100 µs interval), started and stopped over the
 * inspector around each measured window only, so start-up and the sign-ins are not in it. The pages
 * are profiled in alternating rounds and each page's profiles added up, so that a burst of load from
 * other processes falls on both.
 *
 * Environment: BENCH_PROFILE_STORE (default memory, so that the store's I/O does not blur the stack),
 * BENCH_DURATION (seconds per window, default 3), BENCH_ROUNDS (default 4). Writes
 * test/bench/results/profile-<store>.md; the raw .cpuprofile files stay in test/bench/results/profiles/ (open
 * them in Chrome DevTools).
 */
import fs from 'node:fs';
import path from 'node:path';
import { mergeSummaries, summariseProfile, type CpuProfile, type ProfileSummary } from './cpu-profile-summary';
import { OIDC_BASE_URL, SESSION_SECRET } from './constants';
import { startBenchEnvironment } from './environment';
import { load, measure } from './load';
import { loadAverage } from './machine';
import { PAGE_PATH, renderExpectedPage } from './page';
import type { PlannedTarget } from './plan';
import { renderProfileReport, type ProfiledPage } from './profile-report';
import { startTargetProcess, type TargetProcess } from './server-process';
import { STORE_KINDS, type SessionStoreKind } from './settings';
import { openSessions, packageSessionData } from './sessions';
import { runMain } from './run-main';

const RESULTS_DIR = path.join(__dirname, 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');
const CONNECTIONS = 50;

async function main(): Promise<void> {
  const store = (process.env.BENCH_PROFILE_STORE ?? 'memory') as SessionStoreKind;
  if (!STORE_KINDS.includes(store)) throw new Error(`BENCH_PROFILE_STORE: unknown store ${store}`);
  const seconds = Number(process.env.BENCH_DURATION ?? 3);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const loadBefore = loadAverage();
  const expectedBody = await renderExpectedPage();
  const env = await startBenchEnvironment();
  fs.mkdirSync(PROFILE_DIR, { recursive: true });
  // The host page first: the session-only page gets a copy of its first session.
  const planned: PlannedTarget[] = [
    { key: `guarded/${store}`, kind: 'guarded', store },
    { key: `app/${store}`, kind: 'app', store },
    { key: `session-only/${store}`, kind: 'session-only', store },
    { key: `session-tiny/${store}`, kind: 'session-tiny', store },
  ];
  const targets: TargetProcess[] = [];
  try {
    const cookies: string[][] = [];
    for (const p of planned) {
      const name = p.key.replace('/', '-');
      const target = await startTargetProcess(
        {
          kind: p.kind,
          store,
          dataDir: path.join(env.dir, name),
          redisUrl: env.redisUrl,
          redisPrefix: `${p.key}:`,
          sessionSecret: SESSION_SECRET,
          cognito: env.cognito,
          oidc: { issuer: env.provider.issuer, clientId: env.provider.clientId, clientSecret: env.provider.clientSecret, baseUrl: OIDC_BASE_URL },
        },
        { logFile: path.join(env.dir, `${name}.log`), profileDir: PROFILE_DIR },
      );
      targets.push(target);
      cookies.push(
        await openSessions(p, target, CONNECTIONS, { kit: env.kit, packageSession: () => packageSessionData(targets[0]!, cookies[0]![0]!) }),
      );
    }
    const options = (i: number, s: number) => ({ path: PAGE_PATH, connections: CONNECTIONS, durationSeconds: s, cookies: cookies[i]!, expectedBody });
    for (const [i, t] of targets.entries()) await load(t.url, options(i, 3));
    const windows = planned.map(() => ({ summaries: [] as ProfileSummary[], requests: 0, cpuMicros: 0 }));
    for (let round = 0; round < rounds; round += 1) {
      for (const [i, t] of targets.entries()) {
        const m = await measure(t, options(i, seconds));
        if (m.mismatches + m.non2xx + m.errors > 0) throw new Error(`${planned[i]!.key}: responses that were not the expected page`);
        const file = path.join(PROFILE_DIR, `${planned[i]!.key.replace('/', '-')}-${round + 1}.cpuprofile`);
        fs.renameSync(m.server.profileFile!, file);
        windows[i]!.summaries.push(summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile));
        windows[i]!.requests += m.server.requests;
        windows[i]!.cpuMicros += m.server.cpuMicros;
      }
    }
    const pages: ProfiledPage[] = planned.map((p, i) => ({
      key: p.key,
      summary: mergeSummaries(windows[i]!.summaries),
      requests: windows[i]!.requests,
      cpuMicros: windows[i]!.cpuMicros,
      seconds: rounds * seconds,
    }));
    const date = new Date().toISOString().slice(0, 10);
    const report = renderProfileReport({
      store,
      date,
      load: `before ${loadBefore}, after ${loadAverage()}`,
      rounds,
      seconds,
      connections: CONNECTIONS,
      pages,
    });
    fs.writeFileSync(path.join(RESULTS_DIR, `profile-${store}.md`), `${report}\n`);
    process.stdout.write(`${report}\n`);
  } finally {
    await Promise.allSettled(targets.map((t) => t.stop()));
    await env.stop();
  }
}

runMain(main);
