import { shortRevision } from '../lib/format.ts';

/** A revision shortened for tables, the full one in the tooltip. */
export function Revision({ revision, testid }: { revision: string | undefined; testid?: string }) {
  if (!revision) return <span className="muted">—</span>;
  return (
    <code className="revision" title={revision} data-testid={testid}>
      {shortRevision(revision)}
    </code>
  );
}
