import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLine, diffStat, parseDiff } from './diff.ts';

const sample = `--- git: apps/v1/Deployment/web/api
+++ live: apps/v1/Deployment/web/api
@@ -3,7 +3,7 @@
 spec:
-  replicas: 2
+  replicas: 5
   template:
--- a line removed that starts with two dashes
\\ No newline at end of file
`;

test('classifyLine', () => {
  assert.equal(classifyLine('--- a/x'), 'file');
  assert.equal(classifyLine('+++ b/x'), 'file');
  assert.equal(classifyLine('@@ -1 +1 @@'), 'hunk');
  assert.equal(classifyLine('+x'), 'add');
  assert.equal(classifyLine('-x'), 'del');
  assert.equal(classifyLine(' x'), 'context');
  assert.equal(classifyLine(''), 'context');
  assert.equal(classifyLine('\\ No newline at end of file'), 'meta');
});

test('parseDiff classifies by position: ---/+++ inside a hunk are changes', () => {
  const lines = parseDiff(sample);
  assert.deepEqual(
    lines.map((l) => l.kind),
    ['file', 'file', 'hunk', 'context', 'del', 'add', 'context', 'del', 'meta'],
  );
  assert.equal(lines[5]?.text, '+  replicas: 5');
  assert.deepEqual(diffStat(lines), { added: 1, removed: 2 });
});

test('parseDiff handles empty input and CRLF', () => {
  assert.deepEqual(parseDiff(''), []);
  assert.deepEqual(parseDiff('@@ -1 +1 @@\r\n-a\r\n+b'), [
    { kind: 'hunk', text: '@@ -1 +1 @@' },
    { kind: 'del', text: '-a' },
    { kind: 'add', text: '+b' },
  ]);
});

test('a second file header after "diff" resets the header state', () => {
  const kinds = parseDiff('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/c b/c\n--- a/c\n+++ b/c\n@@ -1 +1 @@\n-1\n+2\n').map((l) => l.kind);
  assert.deepEqual(kinds, ['file', 'file', 'hunk', 'del', 'add', 'meta', 'file', 'file', 'hunk', 'del', 'add']);
});

test('hunk line counts end a hunk, so the next ---/+++ pair names files again', () => {
  const kinds = parseDiff('--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n--- c\n+++ d\n@@ -1 +1 @@\n--- old\n+++ new\n').map((l) => l.kind);
  assert.deepEqual(kinds, ['file', 'file', 'hunk', 'context', 'del', 'add', 'file', 'file', 'hunk', 'del', 'add']);
});
