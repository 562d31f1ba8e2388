/**
 * One target in a process of its own (started by server-process.ts with an IPC channel), so that its CPU
 * time can be measured alone: `process.cpuUsage()` over a window the parent opens and closes. With
 * BENCH_PROFILE_DIR set, each window is also CPU-profiled (V8 sampling profiler) into that directory.
 */
import fs from 'node:fs';
import { ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { buildTarget } from './targets/build-target';
import type { BuiltTarget, TargetSpec } from './targets/types';

/** A request from the parent. */
export type ChildRequest =
  | { id: number; op: 'init'; spec: TargetSpec }
  | { id: number; op: 'window-start' }
  | { id: number; op: 'window-stop' }
  | { id: number; op: 'session'; sid: string }
  | { id: number; op: 'busiest-session'; spanMs: number }
  | { id: number; op: 'close' };

/** What the child measured between window-start and window-stop. */
export interface WindowFigures {
  cpuMicros: number;
  requests: number;
  cognitoCalls: number | undefined;
  storeWrites: number | undefined;
  /** Responses that carried a Set-Cookie header (a re-sent session cookie, with rolling or a refresh). */
  setCookies: number;
  /** How long the window was open, in ms. */
  wallMs: number;
  profileFile: string | undefined;
}

let target: BuiltTarget | undefined;
let server: Server | undefined;
let requests = 0;
let setCookies = 0;
let window:
  { cpu: NodeJS.CpuUsage; at: number; requests: number; setCookies: number; cognito: number | undefined; writes: number | undefined } | undefined;
let profiler: Session | undefined;
let windows = 0;

/**
 * Counts responses sent with a Set-Cookie header. Every response's headers go out through the prototype's
 * writeHead (express-session's on-headers wrapper adds the cookie first, then calls it), so one check
 * there sees them all, at the cost of a header look-up per response (the same in every target).
 */
function countSetCookies(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the prototype's own method, applied below to each response as `this`
  const writeHead = ServerResponse.prototype.writeHead;
  ServerResponse.prototype.writeHead = function countingWriteHead(this: ServerResponse, ...args: unknown[]) {
    if (this.hasHeader('set-cookie')) setCookies += 1;
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof writeHead;
}

async function init(spec: TargetSpec): Promise<number> {
  countSetCookies();
  target = await buildTarget(spec);
  server = target.app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server!.once('listening', resolve).once('error', reject));
  server.on('request', () => {
    requests += 1;
  });
  return (server.address() as AddressInfo).port;
}

async function startWindow(): Promise<void> {
  if (process.env.BENCH_PROFILE_DIR) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
    await profiler.post('Profiler.start');
  }
  window = {
    cpu: process.cpuUsage(),
    at: performance.now(),
    requests,
    setCookies,
    cognito: target?.cognitoCalls?.(),
    writes: target?.writes?.writes(),
  };
  target?.writes?.startLog();
}

async function stopWindow(): Promise<WindowFigures> {
  if (!window) throw new Error('no window open');
  const cpu = process.cpuUsage(window.cpu);
  target?.writes?.stopLog();
  const figures: WindowFigures = {
    cpuMicros: cpu.user + cpu.system,
    requests: requests - window.requests,
    setCookies: setCookies - window.setCookies,
    cognitoCalls: window.cognito === undefined ? undefined : (target?.cognitoCalls?.() ?? 0) - window.cognito,
    storeWrites: window.writes === undefined ? undefined : (target?.writes?.writes() ?? 0) - window.writes,
    wallMs: performance.now() - window.at,
    profileFile: undefined,
  };
  window = undefined;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    windows += 1;
    figures.profileFile = path.join(process.env.BENCH_PROFILE_DIR as string, `window-${process.pid}-${windows}.cpuprofile`);
    fs.writeFileSync(figures.profileFile, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  }
  return figures;
}

/** The stored session behind a session id, as the target's store has it. */
function readSession(sid: string): Promise<unknown> {
  const store = target?.store;
  if (!store) return Promise.reject(new Error('this target has no session store'));
  return new Promise((resolve, reject) => store.get(sid, (err, value) => (err ? reject(err) : resolve(value))));
}

async function close(): Promise<void> {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  await target?.close();
}

async function handle(msg: ChildRequest): Promise<unknown> {
  switch (msg.op) {
    case 'init':
      return init(msg.spec);
    case 'window-start':
      return startWindow();
    case 'window-stop':
      return stopWindow();
    case 'session':
      return readSession(msg.sid);
    case 'busiest-session':
      return target?.writes?.busiestSession(msg.spanMs) ?? null;
    case 'close':
      return close();
  }
}

process.on('message', (msg: ChildRequest) => {
  handle(msg).then(
    (value) => {
      // After closing, exit once the reply is out: a client library's timer must not keep the child alive.
      process.send?.({ id: msg.id, ok: true, value }, () => {
        if (msg.op === 'close') process.exit(0);
      });
    },
    (err: unknown) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.stack : String(err) }),
  );
});
