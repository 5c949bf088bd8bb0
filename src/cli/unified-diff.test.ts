import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines, splitLines, unifiedDiff } from './unified-diff.ts';

/** Applies an edit script to check it really turns a into b. */
function apply(edits: ReturnType<typeof diffLines>): { a: string[]; b: string[] } {
  return { a: edits.filter((e) => e.op !== '+').map((e) => e.line), b: edits.filter((e) => e.op !== '-').map((e) => e.line) };
}

test('equal texts give no diff', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n'), '');
  assert.equal(unifiedDiff('', ''), '');
});

test('one changed line with three lines of context, as diff -u prints it', () => {
  const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
  const b = a.replace('5\n', 'five\n');
  assert.equal(
    unifiedDiff(a, b, { fromLabel: 'live', toLabel: 'merged' }),
    ['--- live', '+++ merged', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'),
  );
});

test('an empty side: all added or all removed, numbered like GNU diff', () => {
  assert.equal(unifiedDiff('', 'x\ny\n'), '--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  assert.equal(unifiedDiff('x\n', ''), '--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n');
});

test('changes far apart make separate hunks; close ones share one', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
  const changed = [...lines];
  changed[2] = 'X';
  changed[25] = 'Y';
  const far = unifiedDiff(lines.join('\n'), changed.join('\n'));
  assert.deepEqual(far.split('\n').filter((l) => l.startsWith('@@')), ['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@']);
  const near = [...lines];
  near[2] = 'X';
  near[8] = 'Y';
  assert.deepEqual(unifiedDiff(lines.join('\n'), near.join('\n')).split('\n').filter((l) => l.startsWith('@@')), ['@@ -1,12 +1,12 @@']);
});

test('insertions and deletions in the middle keep line numbers right', () => {
  const out = unifiedDiff('a\nb\nc\nd\n', 'a\nc\nd\ne\n', { context: 0 });
  assert.equal(out, '--- a\n+++ b\n@@ -2 +1,0 @@\n-b\n@@ -4,0 +4 @@\n+e\n');
});

test('the edit script is minimal and turns a into b', () => {
  const a = splitLines('a\nb\nc\na\nb\nb\na\n');
  const b = splitLines('c\nb\na\nb\na\nc\n');
  const edits = diffLines(a, b);
  assert.deepEqual(apply(edits), { a, b });
  // The classic example from Myers' paper: edit distance 5.
  assert.equal(edits.filter((e) => e.op !== ' ').length, 5);
});

test('random texts round-trip through the edit script', () => {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 200; i++) {
    const a = Array.from({ length: Math.floor(rnd() * 15) }, () => 'abcd'[Math.floor(rnd() * 4)]!);
    const b = Array.from({ length: Math.floor(rnd() * 15) }, () => 'abcd'[Math.floor(rnd() * 4)]!);
    const edits = diffLines(a, b);
    assert.deepEqual(apply(edits), { a, b });
    // Minimal: kept lines are a longest common subsequence.
    assert.equal(edits.filter((e) => e.op === ' ').length, lcs(a, b));
  }
});

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}
