import type { Measurement } from './load';
import type { PlannedTarget } from './plan';

/** A target's figures over all rounds: medians of the rounds, and sums of what must be zero. */
export interface TargetSummary extends PlannedTarget {
  rounds: number;
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  latencyP99Ms: number;
  storeWritesPerRequest: number | undefined;
  /**
   * Store writes per session per minute of the run: all writes in the measured windows, per connection
   * (each has its own session), over the minutes from the first window's start to the last one's end. Every
   * session is in use in each round, so this is what a busy session costs per minute of wall time (the
   * goal: at most 1, however busy).
   */
  storeWritesPerSessionMinute: number | undefined;
  /** The most store writes one session took within any 60 s of the measured windows (the goal's own wording). */
  busiestSessionWritesPerMinute?: number | undefined;
  /** Responses with a Set-Cookie header, per session per minute of the run (counted as the store writes). */
  setCookiesPerSessionMinute: number | undefined;
  /** redis-server's CPU per request (for targets on Redis), in µs. */
  redisCpuMicrosPerRequest: number | undefined;
  /** Every round, so the spread can be seen. */
  requestsPerSecondByRound: number[];
  cpuMicrosByRound: number[];
  mismatches: number;
  non2xx: number;
  errors: number;
  cognitoCalls: number | undefined;
  totalRequests: number;
}

/** A measurement plus what the bench read outside the target's process. */
export interface RoundMeasurement extends Measurement {
  redisCpuMicros?: number | undefined;
}

/** The median (mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Summarises one target's rounds. */
export function summarise(target: PlannedTarget, rounds: RoundMeasurement[], load: { connections: number }): TargetSummary {
  const perRequest = (pick: (m: RoundMeasurement) => number | undefined) => {
    const values = rounds.map((m) => {
      const v = pick(m);
      return v === undefined || m.server.requests === 0 ? Number.NaN : v / m.server.requests;
    });
    return values.some(Number.isFinite) ? median(values) : undefined;
  };
  const cognito = rounds.map((m) => m.server.cognitoCalls);
  const spanMinutes = rounds.length > 0 ? (rounds[rounds.length - 1]!.stoppedAt - rounds[0]!.startedAt) / 60_000 : Number.NaN;
  const perSessionMinute = (total: number) => total / load.connections / spanMinutes;
  const hasSessions = target.store !== 'none';
  return {
    ...target,
    rounds: rounds.length,
    requestsPerSecond: median(rounds.map((m) => m.requestsPerSecond)),
    cpuMicrosPerRequest: median(rounds.map((m) => m.cpuMicrosPerRequest)),
    latencyP99Ms: median(rounds.map((m) => m.latencyP99Ms)),
    storeWritesPerRequest: perRequest((m) => m.server.storeWrites),
    storeWritesPerSessionMinute: rounds.some((m) => m.server.storeWrites !== undefined)
      ? perSessionMinute(sum(rounds.map((m) => m.server.storeWrites ?? 0)))
      : undefined,
    setCookiesPerSessionMinute: hasSessions ? perSessionMinute(sum(rounds.map((m) => m.server.setCookies))) : undefined,
    redisCpuMicrosPerRequest: perRequest((m) => m.redisCpuMicros),
    requestsPerSecondByRound: rounds.map((m) => m.requestsPerSecond),
    cpuMicrosByRound: rounds.map((m) => m.cpuMicrosPerRequest),
    mismatches: sum(rounds.map((m) => m.mismatches)),
    non2xx: sum(rounds.map((m) => m.non2xx)),
    errors: sum(rounds.map((m) => m.errors)),
    cognitoCalls: cognito.every((c) => c === undefined) ? undefined : sum(cognito.map((c) => c ?? 0)),
    totalRequests: sum(rounds.map((m) => m.server.requests)),
  };
}

/**
 * How two pages compare, round by round: the median of the per-round ratios of their req/s. Pages of one
 * round are measured seconds apart, so drift in the machine's load cancels out better than in the ratio
 * of two medians.
 */
export function pairedRatio(a: TargetSummary, b: TargetSummary): number {
  return median(a.requestsPerSecondByRound.map((v, i) => v / (b.requestsPerSecondByRound[i] ?? Number.NaN)));
}

/** The median of the per-round differences in server CPU µs per request (a − b). */
export function pairedCpuDifference(a: TargetSummary, b: TargetSummary): number {
  return median(a.cpuMicrosByRound.map((v, i) => v - (b.cpuMicrosByRound[i] ?? Number.NaN)));
}
