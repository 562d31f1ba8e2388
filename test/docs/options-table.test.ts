import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { parseMarkdown, readMarkdown, ROOT } from './markdown';

const OPTIONS_FILE = 'src/router/options.ts';

/**
 * The option names `cognitoAuth()` accepts, read from its zod schema (`const schema = z.strictObject({…})`
 * in src/router/options.ts) as dotted paths: `session`, `session.store`, … Object schemas are followed
 * through `.optional()` and the like, through `z.union([…])`, and through constants of the same file.
 */
function schemaOptionNames(source: string): string[] {
  const sf = ts.createSourceFile(OPTIONS_FILE, source, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  sf.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) consts.set(node.name.text, node.initializer);
    node.forEachChild(visit);
  });
  const root = consts.get('schema');
  if (!root) throw new Error(`${OPTIONS_FILE} has no \`const schema\``);
  const names: string[] = [];
  const walk = (expr: ts.Expression, prefix: string, seen: Set<string>): void => {
    if (ts.isIdentifier(expr)) {
      const target = consts.get(expr.text);
      if (target && !seen.has(expr.text)) walk(target, prefix, new Set([...seen, expr.text]));
      return;
    }
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) {
      walk(expr.expression, prefix, seen);
      return;
    }
    if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression)) return;
    const method = expr.expression.name.text;
    const [first] = expr.arguments;
    if ((method === 'strictObject' || method === 'object' || method === 'looseObject') && first && ts.isObjectLiteralExpression(first)) {
      for (const property of first.properties) {
        if (!property.name || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
        const name = `${prefix}${property.name.text}`;
        names.push(name);
        if (ts.isPropertyAssignment(property)) walk(property.initializer, `${name}.`, seen);
        if (ts.isShorthandPropertyAssignment(property)) walk(property.name, `${name}.`, seen);
      }
      return;
    }
    if (method === 'union' && first && ts.isArrayLiteralExpression(first)) {
      for (const member of first.elements) walk(member, prefix, seen);
      return;
    }
    // `.optional()`, `.default(…)`, `.refine(…)`, …: the schema they modify.
    walk(expr.expression.expression, prefix, seen);
  };
  walk(root, '', new Set());
  return [...new Set(names)];
}

/** The option names in the first column of the option table under docs/api.md's `cognitoAuth(options)` heading. */
function documentedOptionNames(): { names: string[]; repeated: string[] } {
  const { prose } = parseMarkdown(readMarkdown('docs/api.md'));
  const start = prose.findIndex((line) => /^##\s+`cognitoAuth\(options\)/.test(line));
  if (start < 0) throw new Error('docs/api.md has no "## `cognitoAuth(options)…`" section');
  const names: string[] = [];
  let inTable = false;
  for (const line of prose.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const first = line.split('|')[1]!.trim();
    const name = /^`([\w.]+)`$/.exec(first)?.[1];
    if (name) names.push(name);
  }
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  return { names, repeated };
}

describe('docs/api.md’s option table', () => {
  const schema = schemaOptionNames(fs.readFileSync(path.join(ROOT, OPTIONS_FILE), 'utf8'));
  const documented = documentedOptionNames();

  it('names every option the schema accepts, nested ones included (session.store, rateLimits.codeFailuresPerAccount, …)', () => {
    const missing = schema.filter((name) => !documented.names.includes(name));
    expect(missing, `in ${OPTIONS_FILE} but not in docs/api.md's table: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('names no option the schema refuses, and each only once', () => {
    const unknown = documented.names.filter((name) => !schema.includes(name));
    expect(unknown, `in docs/api.md's table but not in ${OPTIONS_FILE}: ${unknown.join(', ')}`).to.deep.equal([]);
    expect(documented.repeated, 'rows named twice').to.deep.equal([]);
  });

  it('reads the schema itself: top-level, nested and union members, through constants and modifiers', () => {
    expect(schema).to.include.members([
      'baseUrl',
      'cognito',
      'cognito.contextData',
      'session.store',
      'pages.revealExistingAccounts',
      'defaultReturnTo.custom',
      'render.views',
    ]);
    expect(schema.length).to.be.greaterThan(40);
    const control = `
      const inner = z.strictObject({ deep: z.string() });
      const schema = z.strictObject({ a: z.string().optional(), b: inner.optional(), c: z.union([z.string(), z.strictObject({ d: z.number() })]).optional() });`;
    expect(schemaOptionNames(control)).to.deep.equal(['a', 'b', 'b.deep', 'c', 'c.d']);
  });
});
