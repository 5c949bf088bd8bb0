import type { StackSpec, StackSpecInput, GitRepositorySpec, Stack, Condition } from './index.ts';
declare const s: StackSpec;
const p: boolean = s.prune;
const m: 'correct' | 'warn' | 'ignore' = s.drift.mode;
const k: 'GitRepository' = s.sourceRef.kind;
const o: boolean = s.substituteFrom![0]!.optional;
declare const g: GitRepositorySpec;
const b: string | undefined = g.ref.branch;
const i: StackSpecInput = { sourceRef: { name: 'x' }, path: '.', interval: '1m', drift: { ignore: [{ paths: ['/a'] }] }, substituteFrom: [{ kind: 'Secret', name: 'x' }] };
// @ts-expect-error path is required
const bad: StackSpecInput = { sourceRef: { name: 'x' }, interval: '1m' };
// @ts-expect-error prune is required in the stored form
const bad2: StackSpec = { sourceRef: { name: 'x', kind: 'GitRepository' }, path: '.', interval: '1m' };
declare const st: Stack;
const c: Condition | undefined = st.status?.conditions?.[0];
const st2: 'True' | 'False' | 'Unknown' | undefined = c?.status;
export { p, m, k, o, b, i, bad, bad2, st2 };
