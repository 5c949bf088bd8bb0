/**
 * The diff of a drift, from the record the controller left on its DriftDetected Event. The
 * annotation is read like input from outside: anyone who may create Events in the namespace can
 * write one, so every field is checked, sizes are capped, and a Secret's values are never shown
 * whatever the record claims.
 */
import { stringify } from 'yaml';
import { unifiedDiff } from '../cli/unified-diff.ts';
import type { DriftRecord, DriftView } from './model.ts';

const MAX_RECORDS = 50;
const MAX_CHANGES = 100;
const MAX_NAME = 253;
const MAX_PATH = 1024;
const MAX_VALUE_JSON = 4096;
const MAX_ANNOTATION = 64 * 1024;

function text(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
}

/** A value small enough to show, or a stand-in naming its size. */
function value(v: unknown): unknown {
  if (v === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    return '<unreadable value>';
  }
  if (json === undefined) return undefined;
  return json.length > MAX_VALUE_JSON ? `<${json.length} characters>` : (JSON.parse(json) as unknown);
}

/** The records of one annotation; whatever does not look like one is left out. */
export function parseDriftRecords(raw: string | undefined): DriftRecord[] {
  if (!raw || raw.length > MAX_ANNOTATION) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(doc)) return [];
  const out: DriftRecord[] = [];
  for (const r of doc.slice(0, MAX_RECORDS)) {
    if (!r || typeof r !== 'object') continue;
    const rec = r as Record<string, unknown>;
    const obj = rec.object as Record<string, unknown> | undefined;
    const apiVersion = text(obj?.apiVersion, MAX_NAME);
    const kind = text(obj?.kind, MAX_NAME);
    const name = text(obj?.name, MAX_NAME);
    const namespace = text(obj?.namespace, MAX_NAME);
    if (!apiVersion || !kind || !name) continue;
    const secret = isSecret(apiVersion, kind);
    const changes: DriftRecord['changes'] = [];
    for (const c of Array.isArray(rec.changes) ? rec.changes.slice(0, MAX_CHANGES) : []) {
      const path = text((c as Record<string, unknown> | null)?.path, MAX_PATH);
      if (!path) continue;
      const ch = c as Record<string, unknown>;
      const desired = secret ? undefined : value(ch.desired);
      const live = secret ? undefined : value(ch.live);
      changes.push({ path, ...(desired !== undefined ? { desired } : {}), ...(live !== undefined ? { live } : {}) });
    }
    out.push({ object: { apiVersion, kind, name, ...(namespace ? { namespace } : {}) }, deleted: rec.deleted === true, changes });
  }
  return out;
}

function isSecret(apiVersion: string, kind: string): boolean {
  return kind === 'Secret' && apiVersion === 'v1';
}

/** `path: value` for each change that has a value on this side: YAML of just the changed paths. */
function side(changes: DriftRecord['changes'], pick: 'desired' | 'live'): string {
  let out = '';
  for (const c of changes) {
    if (!(pick in c)) continue;
    out += stringify({ [c.path]: c[pick] }, { lineWidth: 0 });
  }
  return out;
}

function label(r: DriftRecord): string {
  const { kind, namespace, name } = r.object;
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** Git's side against the live side; a Secret's lines name its changed keys and nothing else. */
export function driftView(r: DriftRecord, time?: string): DriftView {
  const paths = r.changes.map((c) => c.path);
  let git: string;
  let live: string;
  if (isSecret(r.object.apiVersion, r.object.kind)) {
    git = paths.map((p) => `${p}: (value hidden)\n`).join('');
    live = r.deleted ? '' : paths.map((p) => `${p}: (value hidden, changed)\n`).join('');
  } else {
    git = side(r.changes, 'desired');
    live = r.deleted ? '' : side(r.changes, 'live');
  }
  const name = label(r);
  const diff = unifiedDiff(git, live, { fromLabel: `git: ${name}`, toLabel: r.deleted ? `live: ${name} (deleted)` : `live: ${name}` });
  return { object: r.object, paths, diff, ...(time ? { time } : {}) };
}

/** Every drift of a Stack's DriftDetected events, newest first, at most `limit`. */
export function driftViews(events: readonly { drift?: string; time: string }[], limit = 50): DriftView[] {
  const out: DriftView[] = [];
  for (const e of events) {
    for (const r of parseDriftRecords(e.drift)) {
      if (out.length >= limit) return out;
      out.push(driftView(r, e.time));
    }
  }
  return out;
}
