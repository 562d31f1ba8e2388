import fs from 'node:fs';
import path from 'node:path';

/** The repository's root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`ts`, `sh`, …), or '' when the fence has none. */
  lang: string;
  code: string;
  /** The text of an HTML comment `<!-- prelude … -->` right before the fence (declarations the block assumes). */
  prelude: string;
}

/** A Markdown file of the repository, read once. */
export interface MarkdownFile {
  /** Path relative to the root, with forward slashes. */
  file: string;
  lines: string[];
}

/** Reads a Markdown file by its path relative to the root. */
export function readMarkdown(file: string): MarkdownFile {
  return { file, lines: fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n') };
}

/** README.md, CHANGELOG.md, SECURITY.md, BENCHMARKS.md and every docs/*.md that exists. */
export function documentationFiles(): string[] {
  const top = ['README.md', 'CHANGELOG.md', 'SECURITY.md', 'BENCHMARKS.md'].filter((f) => fs.existsSync(path.join(ROOT, f)));
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return [...top, ...docs];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/;
const PRELUDE = /<!--\s*prelude\b([\s\S]*?)-->\s*$/;

/**
 * Splits a file into its fenced code blocks and the prose around them. `prose` keeps the line count
 * (code lines become empty), so line numbers stay right.
 */
export function parseMarkdown(md: MarkdownFile): { blocks: CodeBlock[]; prose: string[] } {
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  let open: { fence: string; indent: number; line: number; lang: string; body: string[]; prelude: string } | undefined;
  md.lines.forEach((text, i) => {
    if (open) {
      const close = FENCE.exec(text);
      if (close && close[2]!.startsWith(open.fence) && close[3] === '' && text.trim() === close[2]) {
        blocks.push({ file: md.file, line: open.line, lang: open.lang, code: open.body.join('\n'), prelude: open.prelude });
        open = undefined;
      } else {
        open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
      }
      prose.push('');
      return;
    }
    const start = FENCE.exec(text);
    if (start) {
      open = {
        fence: start[2]!,
        indent: start[1]!.length,
        line: i + 1,
        lang: start[3]!.toLowerCase(),
        body: [],
        prelude: preludeBefore(md.lines, i),
      };
      prose.push('');
      return;
    }
    prose.push(text);
  });
  if (open) throw new Error(`${md.file}:${open.line}: a code fence that is never closed`);
  return { blocks, prose };
}

/** The `<!-- prelude … -->` comment that ends just before line `index` (blank lines between allowed). */
function preludeBefore(lines: string[], index: number): string {
  let end = index - 1;
  while (end >= 0 && lines[end]!.trim() === '') end -= 1;
  if (end < 0 || !lines[end]!.trimEnd().endsWith('-->')) return '';
  let start = end;
  while (start >= 0 && !lines[start]!.includes('<!--')) start -= 1;
  if (start < 0) return '';
  return PRELUDE.exec(lines.slice(start, end + 1).join('\n'))?.[1]?.trim() ?? '';
}

/** Removes inline code spans, so that links and names inside them are not read as Markdown. */
export function withoutInlineCode(text: string): string {
  return text.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

/**
 * GitHub's anchor for a heading: the rendered text lower-cased, everything but letters, digits, marks,
 * `_`, `-` and spaces dropped, spaces turned into hyphens (as github-slugger does).
 */
export function slugOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|\s)[*_](\S[^*_]*?)[*_](?=\s|$)/g, '$1$2');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file offers: its headings' slugs (numbered as GitHub numbers repeats) and explicit ids. */
export function anchorsOf(md: MarkdownFile): Set<string> {
  const { prose } = parseMarkdown(md);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slugOf(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id[1]!);
  }
  return anchors;
}

/** A link in a file's prose. */
export interface Link {
  file: string;
  line: number;
  target: string;
}

/** Every inline link and image in a file's prose (not in code blocks or code spans). */
export function linksOf(md: MarkdownFile): Link[] {
  const { prose } = parseMarkdown(md);
  const links: Link[] = [];
  prose.forEach((text, i) => {
    for (const m of withoutInlineCode(text).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file: md.file, line: i + 1, target: m[1]! });
    }
  });
  return links;
}
