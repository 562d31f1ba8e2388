import { storeLabel } from './plan';
import type { TargetKind } from './targets/types';
import type { TargetSummary } from './results';

const COLOURS: Record<TargetKind, string> = {
  guarded: '#1a7f37',
  app: '#1f6feb',
  'openid-connect': '#d1242f',
  'session-only': '#8250df',
  'session-tiny': '#bf8700',
  plain: '#6e7781',
};

const SHORT: Record<TargetKind, string> = {
  guarded: 'host page + requiresAuth()',
  app: 'reference app, whole stack',
  'openid-connect': 'express-openid-connect',
  'session-only': 'express-session, copy of the session',
  'session-tiny': 'express-session, tiny session',
  plain: 'plain Express',
};

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  title: string;
  x: number;
  width: number;
  value: (t: TargetSummary) => number;
}

/**
 * The report's chart as an SVG document written by hand (no library, no service): one row per page,
 * requests per second on the left, server CPU µs per request on the right.
 */
export function renderChart(summaries: TargetSummary[], caption: string): string {
  const rowHeight = 22;
  const top = 64;
  const labelWidth = 300;
  const panels: Panel[] = [
    { title: 'Requests per second (higher is better)', x: labelWidth, width: 300, value: (t) => t.requestsPerSecond },
    { title: 'Server CPU µs per request (lower is better)', x: labelWidth + 340, width: 300, value: (t) => t.cpuMicrosPerRequest },
  ];
  const rows: { t: TargetSummary; y: number }[] = [];
  let y = top;
  let previousStore: string | undefined;
  for (const t of summaries) {
    if (previousStore !== undefined && t.store !== previousStore) y += 10;
    rows.push({ t, y });
    previousStore = t.store;
    y += rowHeight;
  }
  const height = y + 40;
  const width = labelWidth + 340 + 300 + 60;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${escapeXml('A guarded signed-in page: the package against express-openid-connect, express-session only and plain Express')}</text>`,
    `<text x="12" y="40" fill="#57606a">${escapeXml(caption)}</text>`,
  ];
  for (const panel of panels) {
    const max = Math.max(...summaries.map(panel.value).filter(Number.isFinite)) * 1.15 || 1;
    parts.push(`<text x="${panel.x}" y="${top - 8}" font-weight="600">${escapeXml(panel.title)}</text>`);
    for (const { t, y: rowY } of rows) {
      const v = panel.value(t);
      const w = Number.isFinite(v) ? Math.max(1, (v / max) * panel.width) : 0;
      parts.push(`<rect x="${panel.x}" y="${rowY + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${COLOURS[t.kind]}" rx="2"/>`);
      parts.push(`<text x="${(panel.x + w + 4).toFixed(1)}" y="${rowY + 15}">${Number.isFinite(v) ? v.toFixed(0) : '—'}</text>`);
    }
  }
  for (const { t, y: rowY } of rows) {
    parts.push(`<text x="${labelWidth - 8}" y="${rowY + 15}" text-anchor="end">${escapeXml(`${storeLabel(t.store)} · ${SHORT[t.kind]}`)}</text>`);
  }
  parts.push(
    `<text x="12" y="${height - 14}" fill="#57606a">${escapeXml("cookie (no store): express-openid-connect's default, the session encrypted into its cookie. Medians of rotated rounds; see BENCHMARKS.md.")}</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
