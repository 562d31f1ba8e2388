import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
/** What the compiled tree finds beside it, as the build's dist/ finds them in the repository. */
const BESIDE = ['views', 'public', 'node_modules', 'package.json'];

function sourcesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? sourcesUnder(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
    );
}

/**
 * Compiles src/ to CommonJS in a temp directory laid out like the repository (`<dir>/src`, with links to
 * views/, public/, node_modules and package.json beside it), so the compiled modules find what the sources
 * find. It is esbuild's transform, the one tsx applies on the fly. The processes the tests start (the
 * server, and the emulator it embeds) run from it: through tsx's require hook each spent about 0.8 s more
 * of CPU starting (its resolver and source maps on ~1,300 modules), and the server tests start a dozen.
 *
 * @returns the temp directory.
 */
function compileSources(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-src-'));
  for (const name of BESIDE) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
  buildSync({
    entryPoints: sourcesUnder(path.join(ROOT, 'src')),
    outdir: path.join(dir, 'src'),
    outbase: path.join(ROOT, 'src'),
    format: 'cjs',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return dir;
}

let compiled: string | undefined;

/**
 * The compiled module for `src/<relative>.ts`, e.g. `compiledModule('app/server')`. src/ is compiled on the
 * first call in a process (a fraction of a second, in esbuild's own process) and removed when the process
 * exits: mocha's workers end with `process.exit`, and a worker that starts no server compiles nothing.
 */
export function compiledModule(relative: string): string {
  if (!compiled) {
    const dir = compileSources();
    // The links go, not what they point to.
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    compiled = dir;
  }
  return path.join(compiled, 'src', `${relative}.js`);
}
