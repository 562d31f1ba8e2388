/**
 * `npm run bench:extras`: the figures BENCHMARKS.md gives besides the page table: sign-ins per second
 * through the package's custom page (on the guarded host app), and memory with 10 000 sessions in each store. Prints Markdown; writes nothing.
 * BENCH_DURATION sets the sign-in run's length (default 10 s).
 */
import path from 'node:path';
import { SESSION_SECRET } from './constants';
import { startBenchEnvironment } from './environment';
import { measureSessionMemory, SESSIONS } from './extras/session-memory';
import { measureSignInRate } from './extras/sign-in-rate';
import { describeMachine, loadAverage } from './machine';
import { startTargetProcess } from './server-process';
import { runMain } from './run-main';

const LOOPS = 10;

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const seconds = Number(process.env.BENCH_DURATION ?? 10);
  const env = await startBenchEnvironment();
  try {
    const host = await startTargetProcess(
      {
        kind: 'guarded',
        store: 'memory',
        dataDir: path.join(env.dir, 'guarded'),
        redisUrl: env.redisUrl,
        redisPrefix: 'guarded:',
        sessionSecret: SESSION_SECRET,
        cognito: env.cognito,
      },
      { logFile: path.join(env.dir, 'guarded.log') },
    );
    const signIns = await measureSignInRate(env.kit, host, LOOPS, seconds).finally(() => host.stop());
    const memory = measureSessionMemory(env.redisUrl, env.dir);
    const m = describeMachine(loadBefore);
    const out = [
      `Machine: ${m.cores} × ${m.cpuModel}, Node ${m.node}; load average before ${m.loadBefore}, after ${m.loadAfter}.`,
      '',
      `Sign-in through the custom page, ${LOOPS} concurrent loops: **${signIns.perSecond.toFixed(1)} sign-ins/s** (${signIns.total} in ${seconds} s).`,
      '',
      `| Store | Process RSS growth with ${SESSIONS} sessions | Server memory growth |`,
      '| --- | --- | --- |',
      ...memory.map(
        (f) =>
          `| ${f.store} | ${f.processRssMiB.toFixed(1)} MiB | ${f.redisBytes === undefined ? '—' : `${(f.redisBytes / 2 ** 20).toFixed(1)} MiB (\`used_memory\` of redis-server)`} |`,
      ),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await env.stop();
  }
}

runMain(main);
