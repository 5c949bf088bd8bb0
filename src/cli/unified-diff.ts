/**
 * A line diff (Myers' O((N+M)D) shortest edit script) and its rendering as a unified diff, the
 * format `diff -u` and `git diff` print. Small on purpose: `governor diff` compares one
 * Kubernetes object at a time, so inputs are hundreds of lines, rarely thousands.
 */

export type Edit = { op: ' ' | '-' | '+'; line: string };

/** The shortest sequence of kept, removed and added lines turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix cost nothing to find and shrink the search to the changed middle.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Edit[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  const tail: Edit[] = a.slice(endA).map((line) => ({ op: ' ', line }));
  return [...head, ...myers(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

const MAX_EDIT_DISTANCE = 4000;

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: '+', line }));
  if (m === 0) return a.map((line) => ({ op: '-', line }));
  const max = n + m;
  const offset = max + 1;
  // v[k + offset]: the furthest x reached on diagonal k; one snapshot per d to walk back.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // Snapshots grow with d²: past this many differences, a plain replace is as readable.
    if (d > MAX_EDIT_DISTANCE) return [...a.map((line): Edit => ({ op: '-', line })), ...b.map((line): Edit => ({ op: '+', line }))];
    // Only diagonals -d-1 … d+1 matter to the walk back from round d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!)) x = v[k + 1 + offset]!;
      else x = v[k - 1 + offset]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back from (n, m) through the snapshots, collecting edits in reverse.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const snap = trace[d]!;
    const at = (k: number) => snap[k + d + 1]!;
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = k;
    else if (k === -d || (k !== d && at(k - 1) < at(k + 1))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[prevY]! });
      else edits.push({ op: '-', line: a[prevX]! });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

export interface UnifiedDiffOptions {
  fromLabel?: string;
  toLabel?: string;
  /** Unchanged lines shown around each change; 3 as in `diff -u`. */
  context?: number;
}

/** Splits text into lines; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * `a` → `b` as a unified diff (`---`/`+++` header, `@@ -l,s +l,s @@` hunks), or '' when they are
 * equal. Each line ends with a newline.
 */
export function unifiedDiff(a: string, b: string, opts: UnifiedDiffOptions = {}): string {
  const edits = diffLines(splitLines(a), splitLines(b));
  if (!edits.some((e) => e.op !== ' ')) return '';
  const context = opts.context ?? 3;
  const out: string[] = [`--- ${opts.fromLabel ?? 'a'}`, `+++ ${opts.toLabel ?? 'b'}`];
  for (const hunk of hunks(edits, context)) out.push(...hunk);
  return out.join('\n') + '\n';
}

function hunks(edits: readonly Edit[], context: number): string[][] {
  const changed = edits.flatMap((e, i) => (e.op === ' ' ? [] : [i]));
  // Group changes whose context windows touch or overlap.
  const groups: { from: number; to: number }[] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last.to <= 2 * context + 1) last.to = i;
    else groups.push({ from: i, to: i });
  }
  // Line numbers (1-based) in a and b before each edit.
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const e of edits) {
    posA.push(la);
    posB.push(lb);
    if (e.op !== '+') la++;
    if (e.op !== '-') lb++;
  }
  return groups.map(({ from, to }) => {
    const start = Math.max(0, from - context);
    const end = Math.min(edits.length - 1, to + context);
    const slice = edits.slice(start, end + 1);
    const countA = slice.filter((e) => e.op !== '+').length;
    const countB = slice.filter((e) => e.op !== '-').length;
    // As GNU diff: an empty side is numbered by the line before it.
    const startA = countA === 0 ? posA[start]! - 1 : posA[start]!;
    const startB = countB === 0 ? posB[start]! - 1 : posB[start]!;
    const range = (s: number, c: number) => (c === 1 ? `${s}` : `${s},${c}`);
    return [`@@ -${range(startA, countA)} +${range(startB, countB)} @@`, ...slice.map((e) => `${e.op}${e.line}`)];
  });
}
