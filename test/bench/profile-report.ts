import { byCostCentre, type Bucket, type ProfileSummary } from './cpu-profile-summary';

/** One profiled page: its merged profile and what the process measured over the same windows. */
export interface ProfiledPage {
  key: string;
  summary: ProfileSummary;
  requests: number;
  cpuMicros: number;
  seconds: number;
}

function columns(title: string, pages: ProfiledPage[], bucketsOf: (p: ProfiledPage) => Bucket[], limit: number): string[] {
  const maps = pages.map((p) => new Map(bucketsOf(p).map((b) => [b.name, b.micros / p.requests])));
  // Every page's rows (a stack's extra cost centres are the point), the largest on any page first.
  const largest = (n: string) => Math.max(...maps.map((m) => m.get(n) ?? 0));
  const names = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => largest(b) - largest(a)).slice(0, limit);
  const cell = (m: Map<string, number>, n: string) => (m.has(n) ? m.get(n)!.toFixed(1) : '—');
  return [
    `| ${title} | ${pages.map((p) => `${p.key}, µs/request`).join(' | ')} |`,
    `| --- |${pages.map(() => ' ---: |').join('')}`,
    ...names.map((n) => `| ${n.replace(/\|/g, '\\|')} | ${maps.map((m) => cell(m, n)).join(' | ')} |`),
  ];
}

/** The Markdown that `npm run bench:profile` prints and writes to test/bench/results/profile-<store>.md. */
export function renderProfileReport(options: {
  store: string;
  date: string;
  load: string;
  rounds: number;
  seconds: number;
  connections: number;
  pages: ProfiledPage[];
}): string {
  const { pages } = options;
  return [
    `# CPU profile of the guarded page (${options.store} store)`,
    '',
    `Written by \`npm run bench:profile\` on ${options.date}; load average ${options.load}. ${options.connections} connections; ${options.rounds} rounds of ${options.seconds} s per page, alternating, profiles added up; V8's sampling profiler every 100 µs. Figures are µs per request. The profiler samples wall time while JavaScript runs, so time the process spent descheduled (other processes on the same cores) lands in whatever function was running; compare the pages with each other rather than with the bench's CPU figures.`,
    '',
    ...pages.map(
      (p) =>
        `- ${p.key}: ${(p.requests / p.seconds).toFixed(0)} req/s while profiled; process CPU ${(p.cpuMicros / p.requests).toFixed(0)} µs/request; sampled (non-idle) ${(p.summary.totalMicros / p.requests).toFixed(0)} µs/request.`,
    ),
    '',
    '## Self time by cost centre',
    '',
    ...columns('Cost centre', pages, (p) => byCostCentre(p.summary.selfByOwner), 100),
    '',
    '## Self time by owner (builtins and Node internals count for the npm package or repository file that called them)',
    '',
    ...columns('Owner', pages, (p) => p.summary.selfByOwner, 40),
    '',
    '## Top functions by self time (largest on any page first)',
    '',
    ...columns('Function', pages, (p) => p.summary.selfByFunction, 40),
    '',
  ].join('\n');
}
