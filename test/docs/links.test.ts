import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { anchorsOf, documentationFiles, linksOf, readMarkdown, ROOT, slugOf, type Link } from './markdown';

/** Where a relative link leads: a file or directory of the repository, and an anchor in it. */
function resolve(link: Link): { file: string; anchor: string | undefined } {
  const [target = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
  const file = target === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), decodeURIComponent(target)));
  return { file, anchor: anchor === undefined ? undefined : decodeURIComponent(anchor) };
}

describe('links in README.md and docs/*.md', () => {
  const files = documentationFiles();

  it('lead to a file or directory of the repository, and to an anchor that exists there', () => {
    const anchors = new Map<string, Set<string>>();
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const link of linksOf(readMarkdown(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:
        checked += 1;
        const where = `${link.file}:${link.line} → ${link.target}`;
        const { file: target, anchor } = resolve(link);
        if (target.startsWith('..') || !fs.existsSync(path.join(ROOT, target))) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!target.endsWith('.md')) {
          broken.push(`${where}: an anchor in a file that is not Markdown`);
          continue;
        }
        if (!anchors.has(target)) anchors.set(target, anchorsOf(readMarkdown(target)));
        if (!anchors.get(target)!.has(anchor)) broken.push(`${where}: no heading with that anchor in ${target}`);
      }
    }
    expect(broken, broken.join('\n')).to.deep.equal([]);
    expect(checked).to.be.greaterThan(50);
  });

  it('in .env.example’s comments (docs/….md#anchor) lead to a file and a heading that exist', () => {
    const lines = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n');
    const broken: string[] = [];
    let checked = 0;
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/\b((?:docs\/)?[\w.-]+\.md)(?:#([\w-]+))?/g)) {
        checked += 1;
        const file = m[1]!.startsWith('docs/') || m[1] === 'README.md' || m[1] === 'SECURITY.md' ? m[1]! : `docs/${m[1]}`;
        if (!fs.existsSync(path.join(ROOT, file))) broken.push(`.env.example:${i + 1}: ${m[0]}: no such file`);
        else if (m[2] !== undefined && !anchorsOf(readMarkdown(file)).has(m[2])) broken.push(`.env.example:${i + 1}: ${m[0]}: no such heading`);
      }
    });
    expect(broken, broken.join('\n')).to.deep.equal([]);
    expect(checked).to.be.greaterThan(0);
  });

  it('are checked against anchors made the way GitHub makes them', () => {
    expect(slugOf('`cognitoAuth(options): CognitoAuth`')).to.equal('cognitoauthoptions-cognitoauth');
    expect(slugOf('Step-up: re-authentication before a sensitive change')).to.equal('step-up-re-authentication-before-a-sensitive-change');
    expect(slugOf("cognito-local alone, the kit's emulator, and Amazon Cognito")).to.equal(
      'cognito-local-alone-the-kits-emulator-and-amazon-cognito',
    );
    expect(slugOf('Threat protection (`cognito.contextData`)')).to.equal('threat-protection-cognitocontextdata');
    expect(slugOf('日本語')).to.equal('日本語');
    const md = { file: 'x.md', lines: ['# A', '## A', '```', '# not a heading', '```', '## A'] };
    expect([...anchorsOf(md)]).to.deep.equal(['a', 'a-1', 'a-2']);
  });
});
