import path from 'node:path';
import ts from 'typescript';
import { ROOT, type CodeBlock } from './markdown';

/** A compiler error in a documented block, placed at its line in the Markdown file. */
export interface BlockError {
  where: string;
  message: string;
}

/** A piece of TypeScript to check: a documented block, or a test's own control. */
export interface Snippet {
  /** Names the snippet in messages (`docs/api.md:17`). */
  name: string;
  /** Declarations the code assumes; they come first, and are not part of the block's lines. */
  prelude: string;
  code: string;
  /** Line in the Markdown file of the block's first line of code, for messages. */
  firstLine: number;
}

/** The snippet a fenced block becomes. */
export function snippetOf(block: CodeBlock): Snippet {
  return { name: `${block.file}:${block.line}`, prelude: block.prelude, code: block.code, firstLine: block.line + 1 };
}

/**
 * The project's compiler options, with what documented snippets need on top: ES modules (imports and
 * top-level await, as a host's code has them), the package's two entry points resolved to its sources,
 * and no complaints about names a snippet declares without using.
 */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  const config: unknown = read.config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile);
  return {
    ...options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    sourceMap: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, [file]])),
  };
}

/** The package's two entry points, as a host imports them. */
export const ENTRY_POINTS = { 'express-cognito-signin': 'src/index.ts', 'express-cognito-signin/testing': 'src/testing/index.ts' } as const;

/** What {@link typeCheck} found. */
export interface TypeCheckResult {
  /** The errors of each snippet, by its name. */
  errors: Map<string, BlockError[]>;
  /** The names an entry point exports (values and types). */
  exportsOf(entry: keyof typeof ENTRY_POINTS): string[];
}

/**
 * Type-checks every snippet in one compiler program against the package's sources (one program: the
 * package is read and bound once however many blocks there are). Only the snippets' own errors count.
 */
export function typeCheck(snippets: Snippet[]): TypeCheckResult {
  const options = compilerOptions();
  const virtual = new Map<string, { snippet: Snippet; text: string; preludeLines: number }>();
  snippets.forEach((snippet, i) => {
    const file = path.join(ROOT, 'test', 'docs', '.snippets', `snippet-${i}.ts`);
    const prelude = snippet.prelude === '' ? '' : `${snippet.prelude}\n`;
    // `export {}` makes every snippet a module, so its declarations and top-level await stay its own.
    virtual.set(file, {
      snippet,
      text: `${prelude}${snippet.code}\nexport {};\n`,
      preludeLines: prelude === '' ? 0 : prelude.split('\n').length - 1,
    });
  });
  const host = ts.createCompilerHost(options);
  // The default host's own functions, bound to it: the overrides below fall back to them.
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (file, language, onError, create) => {
    const v = virtual.get(path.resolve(file));
    return v ? ts.createSourceFile(file, v.text, language, true) : getSourceFile(file, language, onError, create);
  };
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file);
  host.readFile = (file) => virtual.get(path.resolve(file))?.text ?? readFile(file);
  const entryFiles = Object.values(ENTRY_POINTS).map((file) => path.join(ROOT, file));
  const program = ts.createProgram([...virtual.keys(), ...entryFiles], options, host);

  const errors = new Map<string, BlockError[]>();
  for (const [file, v] of virtual) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`the compiler did not read ${v.snippet.name}`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    errors.set(
      v.snippet.name,
      diagnostics.map((d) => {
        const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        const inCode = line - v.preludeLines;
        const where =
          inCode < 0 ? `${v.snippet.name} (prelude line ${line + 1})` : `${v.snippet.name.replace(/:\d+$/, '')}:${v.snippet.firstLine + inCode}`;
        return { where, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
      }),
    );
  }
  const checker = program.getTypeChecker();
  return {
    errors,
    exportsOf(entry) {
      const sf = program.getSourceFile(path.join(ROOT, ENTRY_POINTS[entry]));
      const symbol = sf && checker.getSymbolAtLocation(sf);
      if (!symbol) throw new Error(`the compiler did not read ${ENTRY_POINTS[entry]}`);
      return checker.getExportsOfModule(symbol).map((s) => s.name);
    },
  };
}

let shared: TypeCheckResult | undefined;

/**
 * One check of every ts block of the documentation (and of `extra`), shared by the test files of one
 * process: building the program is the slow part.
 */
export function checkDocumentation(blocks: CodeBlock[], extra: Snippet[]): TypeCheckResult {
  shared ??= typeCheck([...blocks.map(snippetOf), ...extra]);
  return shared;
}
