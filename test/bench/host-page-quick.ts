/**
 * `npm run bench:quick`: `npm run bench` cut down to a quick look while working on the request path: the
 * memory store only, the pages that issue 19's goals compare (the guarded host page, the reference app,
 * express-session with a tiny session and with a copy of the package's, express-openid-connect with its
 * default cookie session, plain Express), 3 rounds of 2 s. Prints the report and, last, one line with both
 * goal ratios; writes no file. Every BENCH_* setting of run.ts still applies (BENCH_ROUNDS=8, …).
 * CPU profiles: `npm run bench:profile`.
 */
const QUICK: Record<string, string> = {
  BENCH_STORES: 'memory',
  BENCH_ROUNDS: '3',
  BENCH_DURATION: '2',
  BENCH_WARMUP: '1',
  BENCH_WRITE: '0',
  BENCH_TARGETS: 'guarded/memory,app/memory,session-tiny/memory,session-only/memory,openid-connect/cookie,plain/none',
};
for (const [name, value] of Object.entries(QUICK)) process.env[name] ??= value;

void import('./run.js');
