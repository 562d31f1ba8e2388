/** What the AWS SDK's Node.js support warning starts with (@aws-sdk/core, emitWarningIfUnsupportedVersion). */
const SDK_NODE_WARNING = 'NodeVersionSupportWarning';

/** A warning held back from stderr, for the start-up banner. */
export interface HeldWarning {
  /** The warning in one line, once it has been emitted. */
  line(): string | undefined;
  /** From now on the warning goes to `report` (after the banner), and is no longer held. */
  release(report: (line: string) => void): void;
}

/**
 * The AWS SDK's eight-line notice that its later releases need a newer Node.js, in one line: its first
 * sentence and its link. The whole text, on one line, when it no longer has that shape.
 */
export function sdkNodeWarningLine(text: string): string {
  const flat = text
    .replace(/^NodeVersionSupportWarning:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const first = /^[^.]*?node >=\s*\d+\./.exec(flat)?.[0];
  const link = /https?:\/\/\S+$/.exec(flat)?.[0];
  return first && link ? `${first.replace(/\.$/, '')} (${link})` : flat;
}

/**
 * Holds back the AWS SDK's Node.js support warning, which it prints once, over eight lines, when the first
 * client is made on an older Node.js: the banner shows it in one line instead. Every other warning is
 * printed as usual. Call before any SDK client is made.
 */
export function holdSdkNodeWarning(proc: NodeJS.Process = process): HeldWarning {
  const original = proc.emitWarning.bind(proc) as (...args: unknown[]) => void;
  let held: string | undefined;
  let report: ((line: string) => void) | undefined;
  proc.emitWarning = function emitWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.startsWith(SDK_NODE_WARNING)) {
      held = sdkNodeWarningLine(text);
      report?.(held);
      return;
    }
    return original(warning, ...rest);
  };
  return {
    line: () => held,
    release: (to) => {
      report = to;
    },
  };
}
