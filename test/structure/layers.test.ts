import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { importGraph, layeringProblem, PUBLIC_ENTRY_POINTS, ROOT, roomOf, SRC } from './layers';

describe('the layers of src/ (docs/architecture.md)', function () {
  // madge reads every module once per run (a second or two).
  this.timeout(60_000);
  let graph: Record<string, string[]>;
  let circles: string[][];

  before(async () => {
    ({ graph, circles } = await importGraph());
  });

  it('reads every module, type-only imports included', () => {
    expect(Object.keys(graph).length, 'modules read').to.be.greaterThan(100);
    // auth/types.ts imports nothing but types: the graph must still show the edges.
    const source = fs.readFileSync(path.join(SRC, 'auth', 'types.ts'), 'utf8');
    expect(source.match(/^import .*$/gm)).to.deep.equal([
      "import type { FirstAuthFactor } from '../cognito/pool-settings';",
      "import type { SessionTokens } from '../cognito/tokens';",
    ]);
    expect(graph['auth/types.ts']).to.deep.equal(['cognito/pool-settings.ts', 'cognito/tokens.ts']);
  });

  it('has no import circle, type-only ones included', async () => {
    expect(circles, circles.map((circle) => circle.join(' → ')).join('\n')).to.deep.equal([]);
    // The control: a circle of two type-only imports is found.
    const control = await importGraph(path.join(ROOT, 'test', 'fixtures', 'circle'));
    expect(control.circles).to.deep.equal([['a.ts', 'b.ts']]);
  });

  it('has no import from a higher layer or a neighbour, and every module in a room of its layer', () => {
    const problems = Object.entries(graph).flatMap(([from, imports]) => [
      ...(roomOf(from) === undefined ? [`${from} belongs to no room of LAYERS (test/structure/layers.ts)`] : []),
      ...imports.flatMap((to) => layeringProblem(from, to) ?? []),
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('tells a downward import from an upward one and from a neighbour’s', () => {
    expect(layeringProblem('router/csrf.ts', 'auth/session-state.ts')).to.equal(undefined);
    expect(layeringProblem('auth/session-state.ts', 'auth/types.ts')).to.equal(undefined);
    expect(layeringProblem('testing/index.ts', 'testing/emulator/start.ts')).to.equal(undefined);
    expect(layeringProblem('cognito/sign-out.ts', 'auth/types.ts')).to.match(/cognito\/ may not import auth\/ \(a higher layer/);
    expect(layeringProblem('sessions/indexed-store.ts', 'cognito/tokens.ts')).to.match(/its neighbour cognito\//);
    expect(layeringProblem('testing/emulator/start.ts', 'testing/index.ts')).to.match(/may not import testing\//);
    expect(layeringProblem('i18n/index.ts', 'urls/return-to.ts')).to.equal(undefined);
    expect(layeringProblem('urls/return-to.ts', 'i18n/index.ts')).to.match(/a higher layer/);
  });

  it('keeps the reference app (src/app/) on the package’s public API: src/index.ts and src/testing', () => {
    const reaching = Object.entries(graph)
      .filter(([from]) => from.startsWith('app/'))
      .flatMap(([from, imports]) =>
        imports
          .filter((to) => !to.startsWith('app/') && !(PUBLIC_ENTRY_POINTS as readonly string[]).includes(to))
          .map((to) => `${from} imports ${to}`),
      );
    expect(reaching, reaching.join('\n')).to.deep.equal([]);
    expect(graph['app/server.ts']).to.include.members(['index.ts', 'testing/index.ts']);
  });

  it('loads the Redis client only when a Redis store is made: no module of src/ imports it at load time', () => {
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    // A value import of 'redis' (or one of its @redis/ modules) anywhere in src/ loads it with the package.
    const eager = /^import (?!type )[^;]*from '(?:redis|@redis\/[^']+)';$/m;
    const found = sources(SRC)
      .filter((file) => eager.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file));
    expect(found).to.deep.equal([]);
    expect(eager.test("import { createClient } from 'redis';"), 'the control').to.equal(true);
    expect(eager.test("import type { RedisClientType } from 'redis';")).to.equal(false);
  });
});
