import { stringify } from 'yaml';
import type { CliIO } from './program.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';

export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return 'table';
  if (['table', 'wide', 'json', 'yaml', 'name'].includes(value)) return value as OutputFormat;
  throw new Error(`unknown output format "${value}" (use json, yaml, wide or name)`);
}

/** A kubectl-style table: upper-case headers, columns padded by three spaces, no borders. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Objects as JSON (a List when more than one) or YAML documents. */
export function printStructured(io: CliIO, objects: unknown[], format: 'json' | 'yaml', single: boolean): void {
  if (format === 'json') {
    io.out(JSON.stringify(single ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n');
  } else {
    io.out(objects.map((o) => stringify(o)).join('---\n'));
  }
}

/** kubectl's AGE column: 45s, 12m, 3h, 5d. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Colour only where a person reads it: a terminal, and NO_COLOR unset. */
export function colours(isTty: boolean, env: NodeJS.ProcessEnv = process.env): { red(s: string): string; green(s: string): string; yellow(s: string): string; bold(s: string): string } {
  const on = isTty && !env.NO_COLOR;
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), bold: wrap(1) };
}
