/** core/v1 Events as Governor reads them: the CLI's events and describe, and the dashboard. */
import type { KubeObject } from './types.ts';

/** When an Event last happened, from whichever of its timestamps it carries. */
export function eventTime(ev: { lastTimestamp?: string | null; eventTime?: string | null; firstTimestamp?: string | null; metadata: { creationTimestamp?: string } }): string | undefined {
  return ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp ?? undefined;
}

export interface CoreEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | null;
  firstTimestamp?: string | null;
  eventTime?: string | null;
  involvedObject: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
}

/** Events oldest first, so the newest is at the bottom where a terminal leaves the eye. */
export function sortEvents<T extends CoreEvent>(events: T[]): T[] {
  const t = (e: CoreEvent) => Date.parse(eventTime(e) ?? '') || 0;
  return [...events].sort((a, b) => t(a) - t(b));
}
