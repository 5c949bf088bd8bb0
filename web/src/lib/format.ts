/** Small formatting helpers: times, durations, revisions. Pure, `now` passed in for tests. */

/** "12s ago", "3m ago", "5h ago", "2d ago", "1y ago"; "in 3m" for the future; '' when unknown. */
export function relativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((now - then) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  const minutes = Math.floor(abs / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const text =
    abs < 60 ? `${abs}s` : minutes < 60 ? `${minutes}m` : hours < 24 ? `${hours}h` : days < 365 ? `${days}d` : `${Math.floor(days / 365)}y`;
  return seconds < 0 ? `in ${text}` : `${text} ago`;
}

/** An ISO time as the browser's locale shows it, for titles; '' when unknown. */
export function absoluteTime(iso: string | undefined): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Date(time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

/** Seconds as "850 ms", "4.2 s", "3m 05s", "1h 02m". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** `main@sha1:<40 hex>` → `main@sha1:<12 hex>`; a bare 40-hex SHA → 12 hex; anything else as is. */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '';
  return revision.replace(/\b([0-9a-f]{12})[0-9a-f]{28,}\b/g, '$1');
}

/** The first line of a commit message. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  const line = text.split('\n', 1)[0] ?? '';
  return line.trim();
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A Stack's source as its table shows it: just the name when it sits in the Stack's own namespace (the usual case). */
export function sourceLabel(row: { namespace: string; source: string }): string {
  return row.source.startsWith(`${row.namespace}/`) ? row.source.slice(row.namespace.length + 1) : row.source;
}
