/**
 * Drift by comparison, with no request to the API server: which fields that Governor set (present
 * in the object rendered from Git) have a different value in the live object than in the API
 * server's response to our last apply. Comparing live with `applied`, not with `rendered`, means
 * defaults and normalisation (`cpu: 0.5` → `500m`) are never drift; walking only `rendered`'s
 * fields means nothing another manager owns is drift (an autoscaler's replicas when Git has none,
 * a webhook's sidecar, labels added by hand, server-filled defaults, metadata, status).
 *
 * Runs on every watch event: no clones, one walk of the rendered object, an early exit at `limit`.
 * It returns paths only, never values (Secrets pass through here).
 */
import { ErrorCodes, GovernorError } from '../../errors.ts';
import type { DriftIgnoreRule } from '../../api/stack.ts';
import { globMatches } from '../../glob.ts';

/** The little of an object this module reads outside the walk; `KubeObject` and `Obj` both fit. */
export interface DriftObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface DriftOptions {
  ignore?: CompiledIgnore;
  /** At most this many paths are returned; the walk stops there. Default 20. */
  limit?: number;
}

export const DEFAULT_DRIFT_LIMIT = 20;

type Rec = Record<string, unknown>;
type Seg = string | number;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values; map key order does not count, list order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Rec;
  const rb = b as Rec;
  let n = 0;
  for (const k in ra) {
    if (!Object.hasOwn(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
    n++;
  }
  return n === Object.keys(rb).length;
}

// ---------------------------------------------------------------- paths

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `['spec', 'containers', 0, 'image']` → `spec.containers[0].image`; odd keys as `['example.com/x']`. */
export function formatPath(segs: readonly Seg[]): string {
  let s = '';
  for (const seg of segs) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) s += s ? `.${seg}` : seg;
    else s += `['${seg.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return s;
}

/** The inverse of `formatPath`. */
export function parsePath(path: string): Seg[] {
  const segs: Seg[] = [];
  let i = 0;
  const bad = (): never => {
    throw new GovernorError(ErrorCodes.InvalidSpec, `not a field path: ${JSON.stringify(path)}`);
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (i === 0 || i === path.length - 1) bad();
      i++;
    } else if (c === '[') {
      if (path[i + 1] === "'") {
        let key = '';
        let j = i + 2;
        for (; j < path.length && path[j] !== "'"; j++) key += path[j] === '\\' ? (path[++j] ?? '') : path[j];
        if (path[j + 1] !== ']') bad();
        segs.push(key);
        i = j + 2;
      } else {
        const end = path.indexOf(']', i);
        const num = path.slice(i + 1, end);
        if (end < 0 || !/^\d+$/.test(num)) bad();
        segs.push(Number(num));
        i = end + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      segs.push(path.slice(i, j));
      i = j;
    }
  }
  return segs;
}

/** Segments of a JSON pointer (RFC 6901); `~1` is `/`, `~0` is `~`. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new GovernorError(ErrorCodes.InvalidSpec, `not a JSON pointer: ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image` (all-digit segments are indexes). */
export function pointerToPath(pointer: string): string {
  return formatPath(pointerSegments(pointer).map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s)));
}

/** `metadata.annotations['example.com/x']` → `/metadata/annotations/example.com~1x`. */
export function pathToPointer(path: string): string {
  return parsePath(path)
    .map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

// ---------------------------------------------------------------- ignore rules

interface IgnoreNode {
  end: boolean;
  next: Map<string, IgnoreNode>;
}

type Matcher = (value: string | undefined) => boolean;

interface LabelRequirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin';
  values: string[];
}

interface CompiledRule {
  pointers: string[];
  trie: IgnoreNode;
  kind?: Matcher;
  name?: Matcher;
  namespace?: Matcher;
  selector?: LabelRequirement[];
}

/** Ignore rules ready to match objects against; build once per Stack generation with `compileIgnore`. */
export interface CompiledIgnore {
  readonly rules: readonly CompiledRule[];
}

function glob(pattern: string): Matcher {
  return (v) => v !== undefined && globMatches(pattern, v);
}

function buildTrie(pointers: readonly string[]): IgnoreNode {
  const root: IgnoreNode = { end: false, next: new Map() };
  for (const p of pointers) {
    let node = root;
    for (const seg of pointerSegments(p)) {
      let child = node.next.get(seg);
      if (!child) node.next.set(seg, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  return root;
}

const LABEL_KEY = '[A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?';
const LABEL_VALUE = '(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?';
const RE_EXISTS = new RegExp(`^(!?)\\s*(${LABEL_KEY})$`);
const RE_EQ = new RegExp(`^(${LABEL_KEY})\\s*(==|=|!=)\\s*(${LABEL_VALUE})$`);
const RE_SET = new RegExp(`^(${LABEL_KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const RE_VALUE = new RegExp(`^${LABEL_VALUE}$`);

/** A label selector in kubectl syntax: `a=b,c!=d,e in (x,y),f notin (z),!g,h`. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      terms.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  const bad = (why: string): never => {
    throw new GovernorError(ErrorCodes.InvalidSpec, `label selector ${JSON.stringify(selector)}: ${why}`);
  };
  if (depth !== 0) bad('unbalanced parentheses');
  if (terms.length === 1 && terms[0] === '') return [];
  return terms.map((term): LabelRequirement => {
    let m = RE_SET.exec(term);
    if (m) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim());
      if (values.some((v) => !RE_VALUE.test(v))) bad(`bad value in ${JSON.stringify(term)}`);
      return { key: m[1] ?? '', op: m[2] === 'in' ? 'in' : 'notin', values };
    }
    m = RE_EQ.exec(term);
    if (m) return { key: m[1] ?? '', op: m[2] === '!=' ? '!=' : '=', values: [m[3] ?? ''] };
    m = RE_EXISTS.exec(term);
    if (m) return { key: m[2] ?? '', op: m[1] ? '!exists' : 'exists', values: [] };
    return bad(term ? `cannot parse ${JSON.stringify(term)}` : 'empty requirement');
  });
}

function selectorMatches(reqs: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  for (const r of reqs) {
    const v = labels && Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (v === undefined) return false;
        break;
      case '!exists':
        if (v !== undefined) return false;
        break;
      case '=':
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case '!=':
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
    }
  }
  return true;
}

/** Compiles `spec.drift.ignore`; throws an InvalidSpec GovernorError on a bad pointer or selector. */
export function compileIgnore(rules: readonly DriftIgnoreRule[] | undefined): CompiledIgnore {
  return {
    rules: (rules ?? []).map((rule): CompiledRule => {
      const t = rule.target ?? {};
      return {
        pointers: [...rule.paths],
        trie: buildTrie(rule.paths),
        ...(t.kind !== undefined ? { kind: glob(t.kind) } : {}),
        ...(t.name !== undefined ? { name: glob(t.name) } : {}),
        ...(t.namespace !== undefined ? { namespace: glob(t.namespace) } : {}),
        ...(t.labelSelector !== undefined ? { selector: parseLabelSelector(t.labelSelector) } : {}),
      };
    }),
  };
}

function ruleMatches(rule: CompiledRule, obj: DriftObject): boolean {
  const m = obj.metadata;
  return (
    (!rule.kind || rule.kind(obj.kind)) &&
    (!rule.name || rule.name(m.name)) &&
    (!rule.namespace || rule.namespace(m.namespace)) &&
    (!rule.selector || selectorMatches(rule.selector, m.labels))
  );
}

/** The JSON pointers that the rules ignore on this object. */
export function ignoredFor(compiled: CompiledIgnore, obj: DriftObject): string[] {
  const out = new Set<string>();
  for (const rule of compiled.rules) if (ruleMatches(rule, obj)) for (const p of rule.pointers) out.add(p);
  return [...out];
}

function ignoreTrie(compiled: CompiledIgnore | undefined, obj: DriftObject): IgnoreNode | undefined {
  if (!compiled || compiled.rules.length === 0) return undefined;
  const matching = compiled.rules.filter((r) => ruleMatches(r, obj));
  if (matching.length === 0) return undefined;
  if (matching.length === 1) return matching[0]?.trie;
  return buildTrie(matching.flatMap((r) => r.pointers));
}

// ---------------------------------------------------------------- merge keys

/** The fields whose values identify an item of a list of objects, with their server default. */
type KeySpec = readonly (readonly [field: string, fallback?: string])[];

const NAME: KeySpec = [['name']];
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const LIST_KEYS: Readonly<Record<string, KeySpec>> = {
  volumeMounts: [['mountPath']],
  volumeDevices: [['devicePath']],
  conditions: [['type']],
  hostAliases: [['ip']],
  topologySpreadConstraints: [['topologyKey'], ['whenUnsatisfiable']],
};

function keyOf(item: unknown, spec: KeySpec): string | undefined {
  if (!isRecord(item)) return undefined;
  let key = '';
  for (const [field, fallback] of spec) {
    const v = item[field] ?? fallback;
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    key += `${String(v)}\u0000`;
  }
  return key;
}

/** How items of the list at `segs` are matched: by merge key when every rendered item has one, else by position. */
function keySpecFor(segs: readonly Seg[], items: readonly unknown[]): KeySpec | undefined {
  const field = segs[segs.length - 1];
  const candidates: KeySpec[] = [];
  if (typeof field === 'string') {
    const known = LIST_KEYS[field];
    if (known) candidates.push(known);
    else if (field === 'ports') {
      const owner = segs[segs.length - 3];
      if (typeof owner === 'string' && CONTAINER_LISTS.has(owner)) candidates.push([['containerPort'], ['protocol', 'TCP']]);
      else candidates.push(NAME, [['port'], ['protocol', 'TCP']]);
    } else candidates.push(NAME);
  }
  return candidates.find((spec) => items.every((item) => keyOf(item, spec) !== undefined));
}

function indexByKey(list: unknown, spec: KeySpec, key: string): number {
  if (!Array.isArray(list)) return -1;
  for (let i = 0; i < list.length; i++) if (keyOf(list[i], spec) === key) return i;
  return -1;
}

// ---------------------------------------------------------------- the walk

/** Metadata that the API server and controllers write; never drift even if Git had it. */
const SERVER_METADATA = new Set([
  'resourceVersion',
  'managedFields',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);
const NOT_COMPARED = new Set(['apiVersion', 'kind', 'status']);

interface Walk {
  segs: Seg[];
  out: string[];
  limit: number;
}

function emit(w: Walk): void {
  w.out.push(formatPath(w.segs));
}

function step(w: Walk, node: IgnoreNode | undefined, seg: Seg, r: unknown, a: unknown, l: unknown): void {
  if (w.out.length >= w.limit) return;
  const child = node?.next.get(String(seg));
  if (child?.end) return;
  w.segs.push(seg);
  walk(w, child, r, a, l);
  w.segs.pop();
}

/** `r` rendered, `a` applied, `l` live, all at the same path. */
function walk(w: Walk, node: IgnoreNode | undefined, r: unknown, a: unknown, l: unknown): void {
  if (isRecord(r)) {
    if (a !== undefined && !isRecord(a)) {
      if (!jsonEqual(a, l)) emit(w);
      return;
    }
    // Present when applied and gone (or no longer a map) now: removed by hand.
    if (a !== undefined && !isRecord(l)) return emit(w);
    if (a === undefined && l !== undefined && !isRecord(l)) return emit(w);
    const ar = a as Rec | undefined;
    const lr = l as Rec | undefined;
    for (const k in r) step(w, node, k, r[k], ar?.[k], lr?.[k]);
    return;
  }
  if (Array.isArray(r) && r.length > 0 && r.every(isRecord)) {
    if (a !== undefined && !Array.isArray(a)) {
      if (!jsonEqual(a, l)) emit(w);
      return;
    }
    if (a !== undefined && !Array.isArray(l)) return emit(w);
    if (a === undefined && l !== undefined && !Array.isArray(l)) return emit(w);
    const al = a as unknown[] | undefined;
    const ll = l as unknown[] | undefined;
    const spec = keySpecFor(w.segs, r);
    for (let i = 0; i < r.length; i++) {
      let ai = i;
      let li = i;
      if (spec) {
        const key = keyOf(r[i], spec) ?? '';
        ai = indexByKey(al, spec, key);
        li = indexByKey(ll, spec, key);
      }
      const av = ai >= 0 ? al?.[ai] : undefined;
      const lv = li >= 0 ? ll?.[li] : undefined;
      const at = lv !== undefined ? li : av !== undefined ? ai : i;
      step(w, node, at, r[i], av, lv);
    }
    return;
  }
  if (Array.isArray(r) && r.length === 0) {
    // `[]` in Git claims no item; only removing the list itself counts.
    if (a !== undefined && l === undefined) emit(w);
    return;
  }
  // A scalar, a list of scalars (compared whole), or a mixed list.
  if (!jsonEqual(a, l)) emit(w);
}

/**
 * The paths, sorted, of fields set by Git (`rendered`) whose value in `live` differs from the
 * value the API server returned for our apply (`applied`); at most `limit` of them. Paths use
 * kubectl's notation (`spec.template.spec.containers[0].image`); list indexes are positions in
 * the live list (or the applied one, for an item that is gone).
 */
export function driftPaths(rendered: DriftObject, applied: DriftObject, live: DriftObject, opts: DriftOptions = {}): string[] {
  const w: Walk = { segs: [], out: [], limit: opts.limit ?? DEFAULT_DRIFT_LIMIT };
  if (w.limit <= 0) return [];
  const target: DriftObject =
    rendered.metadata.namespace === undefined && applied.metadata.namespace !== undefined
      ? { kind: rendered.kind, metadata: { ...rendered.metadata, namespace: applied.metadata.namespace } }
      : rendered;
  const trie = ignoreTrie(opts.ignore, target);
  const a = applied as Rec;
  const l = live as Rec;
  for (const k in rendered) {
    if (NOT_COMPARED.has(k)) continue;
    const r = rendered[k];
    if (k === 'metadata' && isRecord(r)) {
      const child = trie?.next.get(k);
      if (child?.end) continue;
      const am = a[k];
      const lm = l[k];
      w.segs.push(k);
      for (const mk in r) {
        if (SERVER_METADATA.has(mk)) continue;
        step(w, child, mk, r[mk], isRecord(am) ? am[mk] : undefined, isRecord(lm) ? lm[mk] : undefined);
      }
      w.segs.pop();
    } else if (k === 'stringData' && rendered.kind === 'Secret') {
      // The API server folds stringData into data; what Git set there is now data.<key>.
      step(w, trie, 'data', r, a.data, l.data);
    } else {
      step(w, trie, k, r, a[k], l[k]);
    }
  }
  const sorted = w.out.sort();
  return sorted.filter((p, i) => i === 0 || p !== sorted[i - 1]);
}

/** True when at least one field Governor set has drifted. */
export function hasDrift(rendered: DriftObject, applied: DriftObject, live: DriftObject, ignore?: CompiledIgnore): boolean {
  return driftPaths(rendered, applied, live, { ...(ignore ? { ignore } : {}), limit: 1 }).length > 0;
}

/** A Secret's data paths stop at the key: nothing below it can name or hint at a value. */
function secretSafe(path: string): string {
  const segs = parsePath(path);
  return segs[0] === 'data' || segs[0] === 'stringData' || segs[0] === 'binaryData' ? formatPath(segs.slice(0, 2)) : path;
}

/**
 * The changed fields for an event message or a log line: paths only, never values (for a Secret,
 * `data.password` and no deeper). Says so when the list was cut at `limit`.
 */
export function describeDrift(kind: string, paths: readonly string[], limit: number = DEFAULT_DRIFT_LIMIT): string {
  if (paths.length === 0) return 'no changed fields';
  const shown = kind === 'Secret' ? [...new Set(paths.map(secretSafe))] : paths;
  return `${shown.join(', ')}${paths.length >= limit ? ' (and maybe more)' : ''}`;
}
