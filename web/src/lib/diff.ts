/** Unified diff lines, classified for colouring. */
export type DiffLineKind = 'file' | 'hunk' | 'add' | 'del' | 'context' | 'meta';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

export function classifyLine(line: string): DiffLineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ') || line === '+++' || line === '---') return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith(' ') || line === '') return 'context';
  return 'meta'; // "\ No newline at end of file", "diff --git", "index …"
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * The lines of a unified diff (a trailing newline does not make an empty last line). Hunk headers'
 * line counts decide where a hunk ends, so "--- x" inside a hunk is a removed line "-- x" while
 * "--- x" after it starts the next file.
 */
export function parseDiff(diff: string): DiffLine[] {
  if (!diff) return [];
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let oldLeft = 0;
  let newLeft = 0;
  return lines.map((text): DiffLine => {
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (inHunk) {
      if (text.startsWith('\\')) return { kind: 'meta', text };
      if (text.startsWith('diff ')) {
        oldLeft = newLeft = 0;
        return { kind: 'meta', text };
      }
      const first = text[0];
      if (first === '+') {
        newLeft--;
        return { kind: 'add', text };
      }
      if (first === '-') {
        oldLeft--;
        return { kind: 'del', text };
      }
      if (first === '@') {
        // a new hunk while counts were off: start over from its header
      } else {
        oldLeft--;
        newLeft--;
        return { kind: 'context', text };
      }
    }
    const kind = classifyLine(text);
    if (kind === 'hunk') {
      const match = HUNK.exec(text);
      if (match) {
        oldLeft = match[1] === undefined ? 1 : Number(match[1]);
        newLeft = match[2] === undefined ? 1 : Number(match[2]);
      } else {
        oldLeft = newLeft = Number.POSITIVE_INFINITY;
      }
    }
    return { kind, text };
  });
}

/** Added and removed line counts. */
export function diffStat(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'add') added++;
    else if (line.kind === 'del') removed++;
  }
  return { added, removed };
}
