import fs from 'node:fs';
import path from 'node:path';

/** The Node.js release lines of the module ABI versions a mismatch message may name (nodejs.org/en/about/previous-releases). */
const NODE_OF_ABI: Readonly<Record<string, string>> = {
  '108': '18',
  '115': '20',
  '127': '22',
  '137': '24',
};

/** Where this Node.js would be told to look for its own headers, and whether they are there. */
export interface NodeInstall {
  version: string;
  /** Its NODE_MODULE_VERSION (`process.versions.modules`). */
  abi: string;
  /** The install prefix (`<prefix>/bin/node`): node-gyp's `nodedir` when it holds `include/node/node.h`. */
  prefix: string;
  hasHeaders: boolean;
}

/** This process's Node.js install. */
export function currentNodeInstall(): NodeInstall {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return {
    version: process.version,
    abi: process.versions.modules,
    prefix,
    hasHeaders: fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')),
  };
}

/** The error and its causes, outermost first. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/**
 * better-sqlite3's native module could not be loaded by this Node.js: built for another Node.js version
 * (Node's NODE_MODULE_VERSION message, after switching Node with nvm or a new major release) or for another
 * machine. Returns what to run, or undefined for any other error.
 */
function nativeSqliteAdvice(err: unknown, node: NodeInstall): string | undefined {
  const failure = causeChain(err).find((e) => {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    return code === 'ERR_DLOPEN_FAILED' && typeof message === 'string' && /better[-_]sqlite3/.test(message);
  }) as Error | undefined;
  if (!failure) return undefined;
  const versions = /NODE_MODULE_VERSION (\d+)\.[\s\S]*NODE_MODULE_VERSION (\d+)\./.exec(failure.message);
  const abi = versions?.[1];
  const builtFor =
    abi === undefined
      ? 'another Node.js or machine'
      : `${NODE_OF_ABI[abi] ? `Node.js ${NODE_OF_ABI[abi]}` : 'another Node.js'} (NODE_MODULE_VERSION ${abi})`;
  const root = /'([^']*?)[\\/]node_modules[\\/]better-sqlite3[\\/]/.exec(failure.message)?.[1];
  const lines = [
    `better-sqlite3 (the SQLite session store's native module) was built for ${builtFor}; this is Node.js ${node.version} (NODE_MODULE_VERSION ${node.abi}).`,
    `Rebuild it for this Node.js${root ? `, in ${root}` : ''}:`,
    '    npm rebuild better-sqlite3',
  ];
  if (node.hasHeaders) {
    lines.push(
      "If that cannot download Node.js's headers (offline, or a proxy), give it the ones installed with this Node.js:",
      `    npm_config_nodedir=${node.prefix} npm rebuild better-sqlite3`,
    );
  }
  lines.push('Or keep sessions elsewhere: SESSION_STORE=redis with REDIS_URL.', `(${firstLine(failure.message)})`);
  return lines.join('\n');
}

function firstLine(text: string): string {
  return text.split('\n')[0] as string;
}

/**
 * The message `server.ts` prints when the app cannot start: the error's own message, or for a failure
 * with a known remedy, the exact command that fixes it.
 */
export function describeStartupError(err: unknown, node: NodeInstall = currentNodeInstall()): string {
  const advice = nativeSqliteAdvice(err, node);
  if (advice !== undefined) return advice;
  return err instanceof Error ? err.message : String(err);
}
