import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parseMarkdown, readMarkdown, ROOT } from './markdown';

/** A row of SECURITY.md's threat table. */
interface ThreatRow {
  line: number;
  number: number;
  threat: string;
  control: string;
  provedBy: string;
}

function threatRows(): ThreatRow[] {
  const { prose } = parseMarkdown(readMarkdown('SECURITY.md'));
  const rows: ThreatRow[] = [];
  prose.forEach((line, i) => {
    const m = /^\|\s*(\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (!m) return;
    const cells = m[2]!.split(/(?<!\\)\|/).map((c) => c.trim());
    expect(cells.length, `SECURITY.md:${i + 1}: a row of four cells`).to.equal(3);
    rows.push({ line: i + 1, number: Number(m[1]), threat: cells[0]!, control: cells[1]!, provedBy: cells[2]! });
  });
  return rows;
}

/** A test a row names: its file and the pieces of its title the row quotes. */
interface NamedTest {
  row: number;
  file: string;
  pieces: string[];
}

/**
 * Reads a "Proved by" cell: `` `test/x.test.ts` › title; › another title; `test/y.test.ts` › … ``. A title
 * may be quoted in parts: `…` leaves out what lies between; `›` separates a describe from its test. What a
 * row adds in square brackets (`[memory, sqlite, redis]`) or as a count (`(4 tests)`) is not a title.
 */
function namedTests(row: ThreatRow): NamedTest[] {
  const parts = row.provedBy.split(/`((?:infra\/)?test\/[^`]+\.(?:test|e2e)\.ts)`/);
  const tests: NamedTest[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const pieces = parts[i + 1]!.split('›')
      .slice(1)
      .flatMap((fragment) =>
        fragment
          .replace(/\[[^\]]*\]/g, '…')
          .replace(/\s*\((?:\d+ (?:tests|cases|properties|flows)|and \d+ more)\)/g, '…')
          .replace(/;\s*$/, '')
          .split('…'),
      )
      .map((piece) =>
        piece
          .trim()
          .replace(/^[,:;]\s*/, '')
          .replace(/[,:;]$/, '')
          .trim(),
      )
      .filter((piece) => piece.length >= 4);
    tests.push({ row: row.number, file: parts[i]!, pieces });
  }
  return tests;
}

/** Every mocha test title (describes and test, joined with spaces) of `files`, by file, without running anything. */
async function mochaTitles(files: string[]): Promise<Map<string, string[]>> {
  const mocha = path.join(ROOT, 'node_modules', '.bin', 'mocha');
  const { stdout } = await promisify(execFile)(mocha, ['--dry-run', '--reporter', 'json', ...files], {
    cwd: ROOT,
    env: { ...process.env, TEST_EMULATOR: 'off' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { tests: Array<{ fullTitle: string; file: string }> };
  const titles = new Map<string, string[]>();
  for (const t of report.tests) {
    const file = path.relative(ROOT, t.file).split(path.sep).join('/');
    titles.set(file, [...(titles.get(file) ?? []), t.fullTitle]);
  }
  return titles;
}

describe('SECURITY.md’s threat table', function () {
  // Lists every test title with mocha --dry-run (loads the test files, runs nothing).
  this.timeout(60_000);
  const rows = threatRows();

  it('numbers its rows 1, 2, 3, … once each, and names a test for every threat', () => {
    expect(rows.map((r) => r.number)).to.deep.equal(rows.map((_, i) => i + 1));
    const untested = rows.filter((r) => namedTests(r).length === 0).map((r) => `row ${r.number}`);
    expect(untested, 'rows without a test file').to.deep.equal([]);
    const threats = rows.map((r) => r.threat.toLowerCase());
    expect(
      threats.filter((t, i) => threats.indexOf(t) !== i),
      'threats listed twice',
    ).to.deep.equal([]);
  });

  it('names only tests that exist: each quoted title (or part of one) is a test in that file', async () => {
    const named = rows.flatMap(namedTests);
    const mochaFiles = [...new Set(named.map((t) => t.file))].filter((f) => f.startsWith('test/') && fs.existsSync(path.join(ROOT, f)));
    const titles = await mochaTitles(mochaFiles);
    expect(titles.size, 'test files mocha lists').to.equal(mochaFiles.length);
    const wrong: string[] = [];
    let checked = 0;
    for (const test of named) {
      const where = `row ${test.row}: ${test.file}`;
      if (!fs.existsSync(path.join(ROOT, test.file))) {
        wrong.push(`${where}: no such file`);
        continue;
      }
      // infra/ runs node:test, which mocha cannot list: its titles are looked up in the source.
      const haystack = titles.get(test.file) ?? [fs.readFileSync(path.join(ROOT, test.file), 'utf8').replace(/\\'/g, "'")];
      for (const piece of test.pieces) {
        checked += 1;
        if (!haystack.some((title) => title.includes(piece))) wrong.push(`${where}: no test titled "…${piece}…"`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    expect(checked).to.be.greaterThan(150);
  });

  it('reads a cell the way its rows are written', () => {
    const row: ThreatRow = {
      line: 1,
      number: 1,
      threat: 't',
      control: 'c',
      provedBy: '`test/a.test.ts` › first title: …; › describe › second (double: …); `test/b.test.ts` › [memory, redis] one title (4 tests)',
    };
    expect(namedTests(row)).to.deep.equal([
      { row: 1, file: 'test/a.test.ts', pieces: ['first title', 'describe', 'second (double'] },
      { row: 1, file: 'test/b.test.ts', pieces: ['one title'] },
    ]);
  });
});
