import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

/** The newest modification time under `dir` (directories count: a deleted file changes its directory's). */
function newestMtime(dir: string): number {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** dist/ as `npm run build` would leave it now: missing, or older than src/ or the build's tsconfig. */
function distIsStale(): boolean {
  const built = path.join(ROOT, 'dist', 'index.js');
  if (!fs.existsSync(built)) return true;
  const sources = Math.max(newestMtime(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs);
  return fs.statSync(built).mtimeMs < sources;
}

/** Every file under `dir` (relative to the repository, with forward slashes). */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/**
 * What a host installs: the file list `npm pack` makes from package.json's `files`. Run by
 * `npm run example:test` right after its `npm pack` (whose prepack builds dist/), not by `npm test`, which
 * never builds; a build runs here only when dist/ is missing or older than src/.
 */
describe('the npm package (npm pack --dry-run)', function () {
  this.timeout(120_000);
  let files: string[];

  before(async () => {
    if (distIsStale()) await run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel', 'error'], { cwd: ROOT });
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  });

  it('ships both entry points with their types, every file package.json exports, the pages and the assets', () => {
    expect(files).to.include.members([
      'dist/index.js',
      'dist/index.d.ts',
      'dist/testing/index.js',
      'dist/testing/index.d.ts',
      'package.json',
      'README.md',
      'LICENSE',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    expect(files).to.include.members(targets.map((t) => t.replace(/^\.\//, '')));
    const pages = filesUnder('views').filter((f) => !f.startsWith('views/app/'));
    expect(pages).to.include('views/login.ejs').and.to.include('views/partials/head.ejs');
    expect(files).to.include.members(pages);
    expect(files).to.include.members(filesUnder('public'));
  });

  it('ships no tests, no sources, no reference app, no examples and no source maps', () => {
    const unwanted = files.filter(
      (f) => /^(test|src|examples|infra|dist\/app|views\/app)\//.test(f) || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(unwanted).to.deep.equal([]);
  });
});
