import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..');
const MOCHA = require.resolve('mocha/bin/mocha.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/unhandled');

/** The mocha options of `npm test` (package.json), without its file pattern. */
function npmTestOptions(): string[] {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { test: string } }).scripts.test;
  const words = script.split(/\s+/);
  expect(words[0]).to.equal('mocha');
  return words.slice(1).filter((word) => !word.startsWith("'"));
}

/** Runs mocha on fixture files as `npm test` would run the suite (.mocharc.json, its root hooks), without an emulator. */
function runMocha(options: string[], fixtures: string[]): Promise<{ code: number | null; output: string }> {
  // The fixtures need no emulator. This file may itself run in a parallel worker: the run below has a main
  // process of its own.
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_EMULATOR: 'off' };
  delete env.MOCHA_WORKER_ID;
  const child = spawn(process.execPath, [MOCHA, ...options, ...fixtures.map((f) => path.join(FIXTURES, f))], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm test', function () {
  this.timeout(60_000);

  it('fails on a rejection left unhandled, one handled late, and an uncaught exception, in a test or between files, in parallel as npm test runs', async () => {
    const options = npmTestOptions();
    expect(options, 'npm test runs in parallel').to.include('--parallel');
    // Two files keep both workers busy; the others then run as some worker's second file.
    const { code, output } = await runMocha(options, [
      'passes.fixture.ts',
      'waits-for-a-note.fixture.ts',
      'rejection.fixture.ts',
      'uncaught.fixture.ts',
      'after-last-test.fixture.ts',
    ]);
    expect(code, output).to.not.equal(0);
    for (const message of [
      'fixture rejection left unhandled',
      'fixture rejection handled late',
      'fixture exception thrown from a callback',
      'fixture rejection after the last test',
    ]) {
      expect(output, message).to.contain(message);
    }
  });

  it('fails on each of them when mocha runs files one after another (npx mocha <file>)', async () => {
    const { code, output } = await runMocha([], ['after-last-test.fixture.ts', 'rejection.fixture.ts', 'uncaught.fixture.ts', 'passes.fixture.ts']);
    expect(code, output).to.not.equal(0);
    for (const message of [
      'fixture rejection left unhandled',
      'fixture rejection handled late',
      'fixture exception thrown from a callback',
      'fixture rejection after the last test',
    ]) {
      expect(output, message).to.contain(`Error: ${message}`);
    }
  });
});
