import { open, stat } from 'node:fs/promises';

/** One line of the API server's audit log (Metadata level), the fields the tests look at. */
export interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  userAgent?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
  responseStatus?: { code?: number };
}

export const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export const isDryRun = (e: AuditEvent): boolean => /[?&]dryRun=/.test(e.requestURI);

/** A real write: a writing verb that is not a dry run. */
export const isWrite = (e: AuditEvent): boolean => WRITE_VERBS.has(e.verb) && !isDryRun(e);

/** The current end of the audit log: read from here later to see only what came after. */
export async function auditPosition(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Completed requests logged since the position, optionally only those with this user agent. */
export async function auditSince(path: string, position: number, userAgent?: string): Promise<AuditEvent[]> {
  const fh = await open(path, 'r');
  let text: string;
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.max(0, size - position));
    await fh.read(buf, 0, buf.length, position);
    text = buf.toString('utf8');
  } finally {
    await fh.close();
  }
  const out: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue; // a line still being written at the edge of the window
    }
    if (e.stage !== 'ResponseComplete') continue;
    // client-go style agents carry a version and platform after the name; ours is the bare name.
    if (userAgent !== undefined && e.userAgent !== userAgent) continue;
    out.push(e);
  }
  return out;
}

/** `verb resource[/subresource]` → count, sorted by count then name. */
export function countByVerbResource(events: readonly AuditEvent[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of events) {
    const r = e.objectRef?.resource ?? e.requestURI.split('?')[0];
    const key = `${e.verb}${isDryRun(e) ? ' (dry-run)' : ''} ${r}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
