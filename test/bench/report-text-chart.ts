import { KIND_LABELS, storeLabel } from './plan';
import type { TargetSummary } from './results';

const WIDTH = 50;

/**
 * Server CPU per request by page and store as a text bar chart (a fenced block for BENCHMARKS.md),
 * grouped by store, one bar per page, scaled to the largest figure.
 */
export function renderTextChart(summaries: TargetSummary[]): string[] {
  const measured = summaries.filter((t) => Number.isFinite(t.cpuMicrosPerRequest));
  if (measured.length === 0) return [];
  const max = Math.max(...measured.map((t) => t.cpuMicrosPerRequest));
  const labelWidth = Math.max(...measured.map((t) => KIND_LABELS[t.kind].length));
  const storeWidth = Math.max(...measured.map((t) => storeLabel(t.store).length));
  const lines = ['Server CPU per request (µs, median of the rounds), by store and page:', '', '```text'];
  let lastStore: string | undefined;
  for (const t of measured) {
    const store = storeLabel(t.store);
    if (lastStore !== undefined && store !== lastStore) lines.push('');
    lastStore = store;
    const bar = '█'.repeat(Math.max(1, Math.round((t.cpuMicrosPerRequest / max) * WIDTH)));
    lines.push(`${store.padEnd(storeWidth)}  ${KIND_LABELS[t.kind].padEnd(labelWidth)}  ${t.cpuMicrosPerRequest.toFixed(0).padStart(5)} ${bar}`);
  }
  lines.push('```');
  return lines;
}
