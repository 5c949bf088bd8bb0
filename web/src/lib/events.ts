import type { EventView, ObjectKey } from '../model.ts';

function identity(event: EventView): string {
  const o = event.object;
  return `${event.type}|${event.reason}|${o.kind}|${o.namespace}|${o.name}|${event.message}`;
}

/**
 * A live event added to a newest-first list: an event with the same object, reason and message
 * (Kubernetes counts repeats on one Event) replaces its older copy; the list keeps at most `max`.
 */
export function addEvent(events: readonly EventView[], event: EventView, max: number): EventView[] {
  const id = identity(event);
  const rest = events.filter((e) => identity(e) !== id);
  return [event, ...rest].slice(0, max);
}

/** The event is about this Stack itself. */
export function isAboutStack(event: EventView, key: ObjectKey): boolean {
  return event.object.kind === 'Stack' && event.object.namespace === key.namespace && event.object.name === key.name;
}

/** Newest first by lastTimestamp (stable for equal times). */
export function newestFirst(events: readonly EventView[]): EventView[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.lastTimestamp) || 0 }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.e);
}
