import { expect } from 'chai';
import { CONTROL, documentedTsBlocks } from './doc-blocks';
import { parseMarkdown, readMarkdown } from './markdown';
import { checkDocumentation, ENTRY_POINTS } from './type-check';

/** docs/api.md's prose with the names it gives in code spans (`csrfTokenOf(html, page)` names csrfTokenOf). */
function namesInApiDoc(): Set<string> {
  const { prose } = parseMarkdown(readMarkdown('docs/api.md'));
  const names = new Set<string>();
  // Code spans may run over a line break inside a paragraph.
  for (const span of prose.join('\n').matchAll(/`([^`]+)`/g)) for (const word of span[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word[0]);
  return names;
}

describe('docs/api.md and the package’s exports', function () {
  // Shares the compiler program of the code-block check when both run in one process.
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
