/**
 * What Governor writes on the Kubernetes Events it records, beyond reason and message. Part of
 * the public contract like the labels: the dashboard, alerts and users' tooling read them.
 */

/** The source revision an Event is about (`main@sha1:…`). */
export const REVISION_ANNOTATION = 'governor.dev/revision';

/**
 * The annotation on DriftDetected Events that carries what changed, so the dashboard can show the
 * diff of a drift even after it was corrected. JSON of `DriftRecord[]`, at most 8 KiB; values of
 * Secrets are never included (only paths).
 */
export const DRIFT_ANNOTATION = 'governor.dev/drift';

export interface DriftRecord {
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  deleted: boolean;
  changes: { path: string; /** what Git sets */ desired?: unknown; /** what was found */ live?: unknown }[];
}
