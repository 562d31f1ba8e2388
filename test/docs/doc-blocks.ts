import { documentationFiles, parseMarkdown, readMarkdown, type CodeBlock } from './markdown';
import type { Snippet } from './type-check';

/** Every ts block of README.md, CHANGELOG.md, SECURITY.md, BENCHMARKS.md and docs/*.md. */
export function documentedTsBlocks(): CodeBlock[] {
  return documentationFiles()
    .flatMap((file) => parseMarkdown(readMarkdown(file)).blocks)
    .filter((b) => b.lang === 'ts');
}

/** A block of the wrong kind, to prove the checker can fail: an option of the wrong type. */
export const CONTROL: Snippet = {
  name: 'control',
  prelude: '',
  code: "import { cognitoAuth } from 'express-cognito-signin';\ncognitoAuth({ baseUrl: 3000, cognito: { region: 'x' } });",
  firstLine: 1,
};
