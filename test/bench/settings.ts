/**
 * What one `npm run bench` run does, from the environment (all optional):
 * BENCH_DURATION (seconds per measurement, default 2), BENCH_ROUNDS (default 8), BENCH_WARMUP (seconds,
 * default 2), BENCH_STORES (comma-separated subset of memory,sqlite,redis).
 */
export interface BenchSettings {
  connections: number;
  durationSeconds: number;
  rounds: number;
  warmupSeconds: number;
  stores: SessionStoreKind[];
  /** BENCH_TARGETS: only the targets of these keys (`guarded/memory,openid-connect/cookie,…`); all when unset. */
  only?: string[] | undefined;
}

/** The session stores the package makes (its store factories); each page is measured with each. */
export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;
export type SessionStoreKind = (typeof STORE_KINDS)[number];

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Reads the bench settings; unknown store names are an error, not silently dropped. */
export function readBenchSettings(env: Record<string, string | undefined>): BenchSettings {
  const stores = (env.BENCH_STORES ?? STORE_KINDS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of stores) {
    if (!(STORE_KINDS as readonly string[]).includes(s)) throw new Error(`BENCH_STORES: unknown store "${s}"`);
  }
  return {
    connections: 50,
    durationSeconds: positive(env.BENCH_DURATION, 2),
    rounds: Math.round(positive(env.BENCH_ROUNDS, 8)),
    warmupSeconds: positive(env.BENCH_WARMUP, 2),
    stores: stores as SessionStoreKind[],
    only: env.BENCH_TARGETS
      ? env.BENCH_TARGETS.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  };
}
