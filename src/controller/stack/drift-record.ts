import { parsePath } from '../../engine/drift/compare.ts';
import type { KubeObject } from '../../kube/types.ts';
import { DRIFT_ANNOTATION, type DriftRecord } from '../../api/event-annotations.ts';

/** Events are small; past this the records are cut, never the event. */
const MAX_ANNOTATION_BYTES = 8 * 1024;
/** A value longer than this is shown by its length only: a diff of a whole ConfigMap file helps nobody. */
const MAX_VALUE_CHARS = 512;

export interface DriftSample {
  /** The object as it is now (for a deletion: as it was last seen). */
  object: KubeObject;
  /** What Git sets, when known. */
  rendered?: KubeObject;
  paths: readonly string[];
  deleted: boolean;
}

function valueAt(obj: unknown, path: string): unknown {
  let node: unknown = obj;
  for (const seg of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

function shown(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `<${text.length} characters>` : value;
}

/**
 * The annotations of a DriftDetected Event: what changed, with Git's and the live value of each
 * field, so the dashboard can show the diff after the drift was corrected. Secrets carry paths
 * only: their values must never reach an Event.
 */
export function driftAnnotations(samples: readonly DriftSample[]): Record<string, string> {
  const records: DriftRecord[] = [];
  for (const s of samples) {
    const secret = s.object.kind === 'Secret';
    const { apiVersion, kind } = s.object;
    const { name, namespace } = s.object.metadata;
    records.push({
      object: { apiVersion, kind, name, ...(namespace ? { namespace } : {}) },
      deleted: s.deleted,
      changes: s.paths.map((path) => {
        if (secret) return { path };
        let desired: unknown;
        let live: unknown;
        try {
          desired = shown(s.rendered ? valueAt(s.rendered, path) : undefined);
          live = s.deleted ? undefined : shown(valueAt(s.object, path));
        } catch {
          // A path the walk could not parse back is still worth naming.
        }
        return { path, ...(desired !== undefined ? { desired } : {}), ...(live !== undefined ? { live } : {}) };
      }),
    });
    if (JSON.stringify(records).length > MAX_ANNOTATION_BYTES) {
      records.pop();
      break;
    }
  }
  return records.length ? { [DRIFT_ANNOTATION]: JSON.stringify(records) } : {};
}
