import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import { documentationFiles, parseMarkdown, readMarkdown, ROOT, type CodeBlock } from './markdown';
import { CONTROL, documentedTsBlocks } from './doc-blocks';
import { checkDocumentation, ENTRY_POINTS, snippetOf } from './type-check';

/** Where every block must be checked: a block in a language no test checks is refused here. */
const STRICT_FILES = ['README.md', 'docs/api.md'];
/** Languages a test checks: TypeScript is type-checked, shell names only npm scripts that exist, templates compile. */
const CHECKED_LANGUAGES = new Set(['ts', 'sh', 'ejs', 'html', 'json']);

const allBlocks: CodeBlock[] = documentationFiles().flatMap((file) => parseMarkdown(readMarkdown(file)).blocks);
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** The npm scripts a shell line runs: `npm start`, `npm test`, `npm run <name>`, `npm run-script <name>`. */
function scriptsNamed(line: string): string[] {
  const command = line.replace(/\s#.*$/, '');
  const named: string[] = [];
  for (const m of command.matchAll(/\bnpm\s+(?:(start|test|stop|restart)\b|(?:run|run-script)\s+([\w:.-]+))/g)) named.push(m[1] ?? m[2]!);
  return named;
}

/** docs/api.md's prose with the names it gives in code spans (`csrfTokenOf(html, page)` names csrfTokenOf). */
function namesInApiDoc(): Set<string> {
  const { prose } = parseMarkdown(readMarkdown('docs/api.md'));
  const names = new Set<string>();
  // Code spans may run over a line break inside a paragraph.
  for (const span of prose.join('\n').matchAll(/`([^`]+)`/g)) for (const word of span[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word[0]);
  return names;
}

describe('the code blocks in README.md and docs/*.md', function () {
  // One compiler program for every block: the package's sources are read once (a few seconds).
  this.timeout(60_000);

  it('README.md and docs/api.md have only blocks a test checks (ts, sh, ejs, html, json), each with its language', () => {
    const unchecked = allBlocks
      .filter((b) => STRICT_FILES.includes(b.file) && !CHECKED_LANGUAGES.has(b.lang))
      .map((b) => `${b.file}:${b.line}: \`\`\`${b.lang || '(no language)'}`);
    expect(unchecked, unchecked.join('\n')).to.deep.equal([]);
    expect(allBlocks.filter((b) => STRICT_FILES.includes(b.file) && b.lang === 'ts').length).to.be.greaterThan(3);
  });

  it('every ts block type-checks against the package (src/index.ts and src/testing as the two entry points)', () => {
    const blocks = documentedTsBlocks();
    const { errors } = checkDocumentation(blocks, [CONTROL]);
    // The control must fail, or the check proves nothing.
    expect(errors.get('control'), 'a block with a wrong option type passes the check').to.have.length.above(0);
    const found = blocks.flatMap((b) => errors.get(snippetOf(b).name) ?? []).map((e) => `${e.where}: ${e.message}`);
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  it('every npm script a shell block runs exists in package.json', () => {
    const missing: string[] = [];
    let named = 0;
    for (const block of allBlocks.filter((b) => b.lang === 'sh' || b.lang === 'bash' || (b.lang === '' && /^\s*npm\s/m.test(b.code)))) {
      block.code.split('\n').forEach((line, i) => {
        for (const script of scriptsNamed(line)) {
          named += 1;
          if (!scripts.includes(script)) missing.push(`${block.file}:${block.line + 1 + i}: npm script "${script}" does not exist`);
        }
      });
    }
    expect(missing, missing.join('\n')).to.deep.equal([]);
    expect(named).to.be.greaterThan(5);
    expect(scriptsNamed('npm run no-such-script  # a comment: npm run other')).to.deep.equal(['no-such-script']);
  });

  it('every ejs and html block compiles as a template, and every json block parses', () => {
    const broken: string[] = [];
    for (const block of allBlocks) {
      try {
        if (block.lang === 'ejs' || block.lang === 'html') ejs.compile(block.code);
        if (block.lang === 'json') JSON.parse(block.code);
      } catch (err) {
        broken.push(`${block.file}:${block.line}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    expect(broken, broken.join('\n')).to.deep.equal([]);
  });

  it('README starts with the two commands a newcomer runs, exactly as CI runs the test one', () => {
    const readme = parseMarkdown(readMarkdown('README.md'));
    const firstSection = readme.prose.findIndex((line) => line.startsWith('## '));
    const first = readme.blocks.find((b) => b.lang === 'sh');
    expect(first, 'a sh block in README.md').to.not.equal(undefined);
    expect(first!.line, 'the first sh block comes before the first section').to.be.lessThan(firstSection + 1);
    const commands = first!.code.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).to.deep.equal(['npm install && npm start', 'npm test']);
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n');
    const testLine = ci.findIndex((line) => /^# README's test command/.test(line));
    expect(ci[testLine + 1], ".ci/run: the line after # README's test command").to.equal('npm test');
  });
});

describe('docs/api.md and the package’s exports', function () {
  // The compiler program of the code-block check above, built once.
  this.timeout(60_000);

  for (const entry of Object.keys(ENTRY_POINTS) as (keyof typeof ENTRY_POINTS)[]) {
    it(`names every export of ${entry} (functions, classes, constants and types)`, () => {
      const exported = checkDocumentation(documentedTsBlocks(), [CONTROL]).exportsOf(entry);
      expect(exported.length, 'exports read from the entry point').to.be.greaterThan(10);
      const named = namesInApiDoc();
      const undocumented = exported.filter((name) => !named.has(name));
      expect(undocumented, `exported by ${ENTRY_POINTS[entry]} but not named in docs/api.md: ${undocumented.join(', ')}`).to.deep.equal([]);
    });
  }
});
