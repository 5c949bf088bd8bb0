import type { NotificationEvent } from './event.ts';

/** `Stack apps/web: Applied`: the object first, so a channel full of them scans well. */
export function eventTitle(event: NotificationEvent): string {
  const obj = event.involvedObject;
  return `${obj.kind} ${obj.namespace}/${obj.name}: ${event.reason}`;
}

export interface Fact {
  title: string;
  value: string;
}

/** The lines under a message: the revision it is about and the Alert's summary, when there are. */
export function eventFacts(event: NotificationEvent, summary: string | undefined): Fact[] {
  const facts: Fact[] = [];
  if (event.revision) facts.push({ title: 'Revision', value: event.revision });
  if (summary) facts.push({ title: 'Summary', value: summary });
  return facts;
}

/**
 * Cuts text to at most `max` characters (code points, so no surrogate pair is split), ending in
 * an ellipsis when cut: chat services refuse or silently drop oversized fields.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}
