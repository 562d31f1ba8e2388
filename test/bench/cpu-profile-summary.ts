/** A V8 CPU profile (`.cpuprofile`, as written by `node --cpu-prof` or the inspector's Profiler). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Time in one bucket, in µs. */
export interface Bucket {
  name: string;
  micros: number;
}

/** What a profile says, in µs over the whole profile. */
export interface ProfileSummary {
  totalMicros: number;
  idleMicros: number;
  /** Self time by function (`package › function (file:line)`), largest first. */
  selfByFunction: Bucket[];
  /** Self time by who is responsible: an npm package, a file of this repository, GC; V8 builtins and Node internals count for their nearest caller that is one of those. */
  selfByOwner: Bucket[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/**
 * The npm package (`node_modules/<name>`), this repository's file (`src/...`: the package, or the
 * reference app under `src/app/`; `test/bench/...`) or other place a script URL belongs to.
 */
export function ownerOf(url: string): string | undefined {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const bench = url.indexOf('/test/bench/');
  if (bench >= 0) return url.slice(bench + 1).replace(/"$/, '');
  return undefined;
}

/** True for an owner that is one of this repository's files (compiled by tsx). */
const isOwnFile = (owner: string) => owner.startsWith('src/') || owner.startsWith('test/');

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const owner = ownerOf(frame.url);
  const fn = frame.functionName || '(anonymous)';
  // Line numbers of files tsx compiled are those of its output, not of the source: leave them out.
  if (owner && isOwnFile(owner)) return `${owner} › ${fn}`;
  if (owner) return `${owner} › ${fn} (${frame.url.split('/').pop()}:${frame.lineNumber + 1})`;
  if (frame.url.startsWith('node:')) return `node ${frame.url.slice(5)} › ${fn}`;
  return frame.url ? `${fn} (${frame.url})` : `${fn} (V8)`;
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function sorted(map: Map<string, number>, limit: number): Bucket[] {
  return [...map]
    .map(([name, micros]) => ({ name, micros }))
    .sort((a, b) => b.micros - a.micros)
    .slice(0, limit);
}

/** Node's networking modules: time under them is the HTTP server's and the socket's, whoever called. */
const NODE_NETWORK = /^node:(net|http|_http_\w+|stream|internal\/stream_base_commons|internal\/streams\/.*|internal\/http)$/;

/**
 * Who a sample's time belongs to: the nearest frame that is a package or an app file, except that time
 * under Node's networking modules (writing the response to the socket) belongs to the HTTP server.
 */
function responsibleOwner(id: number, byId: Map<number, CpuProfile['nodes'][number]>, parent: Map<number, number>): string | undefined {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { url } = byId.get(at)!.callFrame;
    if (NODE_NETWORK.test(url)) return 'node: HTTP server and sockets';
    const owner = ownerOf(url);
    if (owner) return owner;
  }
  return undefined;
}

/** Summarises a profile: where the CPU time (not idle) went. */
export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByFunction = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    // V8 records the time since the previous sample with each sample; the next delta is this sample's length.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      return;
    }
    total += micros;
    add(selfByFunction, frameName(node.callFrame), micros);
    if (SPECIAL.has(functionName)) {
      add(selfByOwner, functionName, micros);
      return;
    }
    const owner = responsibleOwner(id, byId, parent);
    add(
      selfByOwner,
      owner ?? (node.callFrame.url.startsWith('node:') ? 'node: other core (no package caller)' : 'V8 / native (no package caller)'),
      micros,
    );
  });
  return {
    totalMicros: total,
    idleMicros: idle,
    selfByFunction: sorted(selfByFunction, Infinity),
    selfByOwner: sorted(selfByOwner, Infinity),
  };
}

/** The cost centres of issue 11, by owner name (first match wins). */
const COST_CENTRES: [RegExp, string][] = [
  [/^(express-session|cookie-signature|on-headers|uid-safe|random-bytes|crc)$/, 'session: express-session (load, hash, save, cookie)'],
  [/^src\/sessions\/sqlite-store/, "session store: SQLite (the package's store)"],
  [/^(connect-redis|redis|@redis\/.*)$/, 'session store: Redis client'],
  [/^src\/sessions\/|^src\/auth\/(lifetimes|session-middleware)/, "session: the package's wrapper (lifetimes, session index, time limits)"],
  [
    /^(pino|pino-http|@pinojs\/.*|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify)$|^src\/app\/logger/,
    'request logging: pino-http (reference app)',
  ],
  [/^helmet$|^src\/router\/security/, 'security headers: helmet, no-store'],
  [/^(passport|passport-strategy|pause)$|^src\/auth\/passport/, 'Passport'],
  [/^csrf-sync$/, 'CSRF: csrf-sync'],
  [/^(ejs|jake|filelist)$|host-page\.ejs/, 'rendering: EJS'],
  [/^src\/i18n/, 'locale'],
  [/^cookie$/, 'cookie parse/serialize'],
  [/^src\/auth\/(context|require-auth|session-state|token-refresh)|^src\/log/, 'guard and req.cognito: context(), requiresAuth()'],
  [/^src\/router\//, 'package router: other (own-path test, view locals)'],
  [/^src\/app\//, 'reference app: other (probes, pages router)'],
  [/^src\//, 'package: other'],
  [/^(body-parser|type-is|raw-body|iconv-lite|content-type|media-typer|qs)$/, 'body parser'],
  [
    /^(express|router|path-to-regexp|finalhandler|send|etag|fresh|mime-types|mime-db|negotiator|accepts|vary|parseurl|encodeurl|escape-html|content-disposition|merge-descriptors|methods|depd|debug|ms|utils-merge|proxy-addr|forwarded|ipaddr\.js|range-parser|statuses|setprototypeof|http-errors|safe-buffer|serve-static|on-finished|ee-first)$/,
    'Express and its routing',
  ],
  [/^\(garbage collector\)$/, 'garbage collection'],
  [/^node: /, 'Node: HTTP server, sockets, event loop'],
  [/^test\/bench\//, 'bench harness (request and Set-Cookie counters)'],
];

/** Adds up the summaries of several profiles (one per measured window). */
export function mergeSummaries(summaries: ProfileSummary[]): ProfileSummary {
  const merge = (pick: (s: ProfileSummary) => Bucket[]) => {
    const map = new Map<string, number>();
    for (const s of summaries) for (const b of pick(s)) add(map, b.name, b.micros);
    return sorted(map, Infinity);
  };
  return {
    totalMicros: summaries.reduce((n, s) => n + s.totalMicros, 0),
    idleMicros: summaries.reduce((n, s) => n + s.idleMicros, 0),
    selfByFunction: merge((s) => s.selfByFunction),
    selfByOwner: merge((s) => s.selfByOwner),
  };
}

/** Groups owner buckets into the cost centres issue 11 names. */
export function byCostCentre(owners: Bucket[]): Bucket[] {
  const map = new Map<string, number>();
  for (const b of owners) add(map, COST_CENTRES.find(([re]) => re.test(b.name))?.[1] ?? `other: ${b.name}`, b.micros);
  return sorted(map, 100);
}
