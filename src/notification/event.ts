/**
 * What the controller tells the notification dispatcher: one Kubernetes Event about a Stack or a
 * GitRepository, with what an Alert selects on and what a Provider needs to write a message or a
 * commit status. Built from the same call that records the Kubernetes Event, so the two never
 * disagree.
 */
export type Severity = 'info' | 'error';

export interface InvolvedObject {
  apiVersion: string;
  kind: 'Stack' | 'GitRepository' | string;
  namespace: string;
  name: string;
  uid?: string;
  labels?: Record<string, string>;
}

export interface NotificationEvent {
  involvedObject: InvolvedObject;
  /** Warning events are `error`, Normal ones `info`. */
  severity: Severity;
  /** The Event's reason: a stable code such as Applied, HealthCheckFailed, DriftDetected. */
  reason: string;
  message: string;
  /**
   * The source revision the event is about, as `<ref>@sha1:<sha>` (`main@sha1:1f2e…`), when
   * there is one. Commit statuses are posted only for events that carry one.
   */
  revision?: string;
  /** RFC 3339. */
  timestamp: string;
}

/** The commit a revision names, or undefined when it names none. */
export function commitOf(revision: string | undefined): string | undefined {
  const m = /(?:^|@)sha(?:1|256):([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision ?? '');
  return m?.[1];
}
