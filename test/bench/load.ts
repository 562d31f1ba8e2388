import autocannon from 'autocannon';
import type { WindowFigures } from './server-child';
import type { TargetProcess } from './server-process';
import { PROXY_HEADERS } from './sign-in';

/** One measured window of one target. */
export interface Measurement {
  requestsPerSecond: number;
  /** Server CPU (user + system, all threads of the target's process) per request answered, in µs. */
  cpuMicrosPerRequest: number;
  latencyP99Ms: number;
  /** Responses whose body differed from the expected page, non-2xx responses, connection errors. */
  mismatches: number;
  non2xx: number;
  errors: number;
  server: WindowFigures;
  /** When the window opened and closed (ms since the epoch), for rates per minute of the run. */
  startedAt: number;
  stoppedAt: number;
}

/** What to load a target with. */
export interface LoadOptions {
  path: string;
  connections: number;
  durationSeconds: number;
  /** One Cookie header per connection (connection i gets cookies[i]); empty for none. */
  cookies: string[];
  expectedBody: string;
}

/** Loads a target with autocannon, each connection with its own session, and checks every body. */
export function load(url: string, options: LoadOptions): Promise<autocannon.Result> {
  let nextClient = 0;
  return autocannon({
    url: `${url}${options.path}`,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { ...PROXY_HEADERS },
    expectBody: options.expectedBody,
    setupClient: (client) => {
      const cookie = options.cookies[nextClient % Math.max(options.cookies.length, 1)];
      nextClient += 1;
      if (cookie) client.setHeaders({ ...PROXY_HEADERS, cookie });
    },
  });
}

/** Loads a target inside a measuring window: throughput from the load generator, CPU from the server. */
export async function measure(target: TargetProcess, options: LoadOptions): Promise<Measurement> {
  await target.startWindow();
  const startedAt = Date.now();
  const result = await load(target.url, options);
  const stoppedAt = Date.now();
  const server = await target.stopWindow();
  return {
    startedAt,
    stoppedAt,
    requestsPerSecond: result.requests.total / options.durationSeconds,
    cpuMicrosPerRequest: server.requests > 0 ? server.cpuMicros / server.requests : Number.NaN,
    latencyP99Ms: result.latency.p99,
    mismatches: result.mismatches,
    non2xx: result.non2xx,
    errors: result.errors,
    server,
  };
}
