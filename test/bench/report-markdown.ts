import fs from 'node:fs';
import { KIND_LABELS, storeLabel } from './plan';
import { pairedCpuDifference, pairedRatio, type TargetSummary } from './results';
import type { BenchSettings } from './settings';
import type { MachineInfo } from './machine';
import { describeParts, type SessionPart } from './session-parts';
import { renderTextChart } from './report-text-chart';

/** Everything one run produced, as the report needs it. */
export interface BenchReport {
  date: string;
  settings: BenchSettings;
  machine: MachineInfo;
  summaries: TargetSummary[];
  providerRequests: number;
  /** Bytes of session state per connection: the package's stored JSON, express-openid-connect's cookie and stored JSON. */
  sessionBytes: { package: number; openidCookie: number | undefined; openidStored: number | undefined };
  bodyBytes: number;
  /** The package's stored session, part by part (absent in reports of older runs). */
  sessionParts?: SessionPart[] | undefined;
  runSeconds: number;
  chartFile: string;
}

const START = '<!-- bench:start (written by npm run bench; edit test/bench/report-markdown.ts instead) -->';
const END = '<!-- bench:end -->';

const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits));
const ratio = (a: TargetSummary, b: TargetSummary | undefined) => (b ? `${pairedRatio(a, b).toFixed(2)}×` : '—');

function find(summaries: TargetSummary[], kind: string, store: string) {
  return summaries.find((s) => s.kind === kind && s.store === store);
}

const perMinute = (n: number | undefined) => fmt(n, (n ?? 0) < 10 ? 1 : 0);

function writesCell(t: TargetSummary): string {
  if (t.storeWritesPerSessionMinute === undefined) return '—';
  return `${perMinute(t.storeWritesPerSessionMinute)} / ${fmt(t.busiestSessionWritesPerMinute)}`;
}

function signed(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '—' : `${n >= 0 ? '+' : ''}${n.toFixed(0)}`;
}

function tableRows(report: BenchReport): string[] {
  const rows = [
    '| Store | Page | req/s | Server CPU µs/req | ÷ express-session, tiny session | ÷ express-session, copy of the session | ÷ express-openid-connect, same store | ÷ express-openid-connect, cookie (its default) | CPU µs over express-session, tiny | CPU µs over express-session, copy | Store writes per session-minute: average / most in any minute | Set-Cookie per session-minute | redis-server CPU µs/req | p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const s = report.summaries;
  const cookieOidc = find(s, 'openid-connect', 'cookie');
  for (const t of s) {
    const sessionOnly = find(s, 'session-only', t.store);
    const tiny = find(s, 'session-tiny', t.store);
    const openid = t.kind === 'openid-connect' ? undefined : find(s, 'openid-connect', t.store);
    const vsCookie = t.kind === 'openid-connect' && t.store === 'cookie' ? undefined : cookieOidc;
    const extra = sessionOnly && t.kind !== 'session-only' ? pairedCpuDifference(t, sessionOnly) : undefined;
    const overTiny = tiny && t.kind !== 'session-tiny' ? pairedCpuDifference(t, tiny) : undefined;
    rows.push(
      `| ${storeLabel(t.store)} | ${KIND_LABELS[t.kind]} | ${fmt(t.requestsPerSecond)} | ${fmt(t.cpuMicrosPerRequest)} | ${t.kind === 'session-tiny' ? '1.00×' : ratio(t, tiny)} | ${t.kind === 'session-only' ? '1.00×' : ratio(t, sessionOnly)} | ${ratio(t, openid)} | ${ratio(t, vsCookie)} | ${signed(overTiny)} | ${signed(extra)} | ${writesCell(t)} | ${perMinute(t.setCookiesPerSessionMinute)} | ${fmt(t.redisCpuMicrosPerRequest)} | ${fmt(t.latencyP99Ms)} |`,
    );
  }
  return rows;
}

const mark = (ok: boolean) => (ok ? 'met' : '**not met**');

/** Issue 19's goals on one store, as figures. */
export function goalFigures(s: TargetSummary[], store: string) {
  const guarded = find(s, 'guarded', store);
  const app = find(s, 'app', store);
  const tiny = find(s, 'session-tiny', store);
  const copy = find(s, 'session-only', store);
  const cookieOidc = find(s, 'openid-connect', 'cookie');
  return {
    guardedOverTiny: guarded && tiny ? pairedRatio(guarded, tiny) : undefined,
    guardedOverCopy: guarded && copy ? pairedRatio(guarded, copy) : undefined,
    guardedOverOidc: guarded && cookieOidc ? pairedRatio(guarded, cookieOidc) : undefined,
    appCpuOverTiny: app && tiny ? pairedCpuDifference(app, tiny) : undefined,
    appCpuOverCopy: app && copy ? pairedCpuDifference(app, copy) : undefined,
  };
}

/** `npm run bench:quick`'s line: both goal ratios (and the reference app's CPU goal) of one store. */
export function goalSummaryLine(report: BenchReport, store: string): string {
  const g = goalFigures(report.summaries, store);
  const x = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(2)}×`);
  return `goals (${store}): guarded ÷ express-session tiny ${x(g.guardedOverTiny)} (≥ 0.95) · guarded ÷ express-openid-connect cookie ${x(g.guardedOverOidc)} (≥ 2) · guarded ÷ express-session copy ${x(g.guardedOverCopy)} · reference app CPU over express-session tiny ${signed(g.appCpuOverTiny)} µs (≤ 100)`;
}

function storeGoalLine(s: TargetSummary[], store: string): string | undefined {
  const guarded = find(s, 'guarded', store);
  const app = find(s, 'app', store);
  const g = goalFigures(s, store);
  if (!guarded || g.guardedOverTiny === undefined) return undefined;
  const parts = [
    `- **${store}**: the host page runs at ${g.guardedOverTiny.toFixed(2)}× express-session with a tiny session (goal ≥ 0.95: ${mark(g.guardedOverTiny >= 0.95)}) and ${fmt(g.guardedOverCopy, 2)}× express-session with a copy of the package's session`,
  ];
  if (g.guardedOverOidc !== undefined) {
    const plain = find(s, 'plain', 'none');
    const cookieOidc = find(s, 'openid-connect', 'cookie')!;
    const ceiling = plain ? `; plain Express, with no session at all, runs at ${pairedRatio(plain, cookieOidc).toFixed(2)}× it` : '';
    parts.push(
      `${g.guardedOverOidc.toFixed(2)}× express-openid-connect with its default cookie session (goal ≥ 2: ${mark(g.guardedOverOidc >= 2)}${ceiling})`,
    );
  }
  if (g.appCpuOverTiny !== undefined) {
    parts.push(
      `the reference app's signed-in page costs ${signed(g.appCpuOverTiny)} µs of CPU per request over express-session with a tiny session (goal ≤ 100: ${mark(g.appCpuOverTiny <= 100)}; ${signed(g.appCpuOverCopy)} over the copy)`,
    );
  }
  const busiest = guarded.busiestSessionWritesPerMinute ?? Number.NaN;
  const appBusiest = app?.busiestSessionWritesPerMinute;
  parts.push(
    `the most writes of one busy session in any minute: ${fmt(busiest)} on the host page${appBusiest === undefined ? '' : `, ${fmt(appBusiest)} in the reference app`} (on average ${perMinute(guarded.storeWritesPerSessionMinute)} writes and ${perMinute(guarded.setCookiesPerSessionMinute)} Set-Cookie headers per session-minute on the host page).`,
  );
  return parts.join('; ');
}

function goalLines(report: BenchReport): string[] {
  const s = report.summaries;
  const lines = ["Goals of issue 19, per store (the page is trivial, so these are the stacks' own costs; ratios are of req/s, paired by round):", ''];
  for (const store of report.settings.stores) {
    const line = storeGoalLine(s, store);
    if (line) lines.push(line);
  }
  const counted = s.filter((t) => t.kind === 'guarded' || t.kind === 'app');
  const calls = counted.reduce((n, t) => n + (t.cognitoCalls ?? 0), 0);
  const requests = counted.reduce((n, t) => n + t.totalRequests, 0);
  lines.push(
    `- **Calls to Cognito** during the measured windows of the host page and the reference app: **${calls}** in ${requests} requests (goal 0 per ordinary request: ${mark(calls === 0)}). Counted in their processes: every command of the SDK client given as \`cognito.client\` and every \`fetch\` (token endpoint, JWKS).`,
  );
  lines.push(`- Requests that reached the OpenID provider during express-openid-connect's measured windows: ${report.providerRequests}.`);
  return lines;
}

/** The generated part of BENCHMARKS.md. */
export function renderReport(report: BenchReport): string {
  const { settings: b, machine: m } = report;
  const all = report.summaries;
  const total = all.reduce((n, t) => n + t.totalRequests, 0);
  const bad = all.reduce((n, t) => n + t.mismatches + t.non2xx + t.errors, 0);
  return [
    START,
    `Measured with \`npm run bench\` on ${report.date}: ${b.rounds} rounds of ${b.durationSeconds} s per page (after ${b.warmupSeconds} s of warm-up each), the rounds rotated over all ${all.length} pages (each round visits every page once, in the table's order), medians of the rounds shown; ratios and differences between pages are medians of the per-round ratios and differences (pages of one round are measured seconds apart, so drift in the machine's load mostly cancels); the whole run took ${(report.runSeconds / 60).toFixed(1)} min.`,
    '',
    `**Machine:** ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}. Load average before the run ${m.loadBefore}, after ${m.loadAfter}${m.loadDuring ? `; the 1-minute load average during it ranged ${m.loadDuring} (the bench itself keeps about two processes busy)` : ''}. The pages, the load generator (autocannon), cognito-local, redis-server and the OpenID provider share these cores.`,
    '',
    `**Load:** autocannon, ${b.connections} connections, each carrying its own signed-in session (${b.connections} sign-ins per page). Every response body was compared byte for byte with the expected ${report.bodyBytes}-byte page: ${total} requests, ${bad} mismatched, non-2xx or failed. **Server CPU** is the target process's own CPU time (user + system, all its threads, \`process.cpuUsage()\`) over the measured window divided by the requests it answered; each page runs in a process of its own with \`NODE_ENV=production\` (Express view cache on). The reference app logs every request at \`info\` to a file; the host page logs nothing (the package is silent unless given a logger). **Store writes** and **Set-Cookie** are counted in the same processes over the measured windows, per session (one per connection), per minute from the first window's start to the last one's end: every session is in use in every round, so this is what a busy session costs per minute of wall time. "Most in any minute" is the largest number of writes one session id took within any 60 s of the measured windows.`,
    '',
    `**Sessions:** the package's stored session is ${report.sessionBytes.package} bytes of JSON (under its one key: the user, the ID, access and refresh tokens from cognito-local, the sign-in and last-seen times${report.sessionParts ? `; part by part, ${describeParts(report.sessionParts)}` : ''}); "express-session, copy" gets a copy of it, so both load, hash and save the same bytes, and "express-session, tiny" only \`{ user: { sub, email } }\`. express-openid-connect's session (signed in at oidc-provider: an ID token, and opaque access and refresh tokens, which are much shorter than Cognito's JWTs) is a ${fmt(report.sessionBytes.openidCookie)}-byte cookie by default, or ${fmt(report.sessionBytes.openidStored)} bytes of JSON in a store; with Cognito's tokens it would be larger and cost it more.`,
    '',
    ...tableRows(report),
    '',
    `![Requests per second and server CPU per request for each page](${report.chartFile})`,
    '',
    ...renderTextChart(report.summaries),
    '',
    ...goalLines(report),
    '',
    'Spread across rounds (req/s): ' + all.map((t) => `${t.key} ${t.requestsPerSecondByRound.map((v) => v.toFixed(0)).join('/')}`).join('; ') + '.',
    END,
  ].join('\n');
}

/** Replaces the generated part of BENCHMARKS.md (between the markers), keeping the hand-written rest. */
export function writeReportInto(file: string, generated: string): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const start = current.indexOf('<!-- bench:start');
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start ? current.slice(0, start) + generated + current.slice(end + END.length) : `${current.trimEnd()}\n\n${generated}\n`;
  fs.writeFileSync(file, next);
}
