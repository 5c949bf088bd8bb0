import type { ReactNode } from 'react';
import type { StackDetail } from '../model.ts';

/** The parts of the spec that explain behaviour. */
export function SpecSummary({ detail }: { detail: StackDetail }) {
  const { spec, stack } = detail;
  const rows: [string, ReactNode][] = [
    ['Interval', spec.interval],
    ['Prune', spec.prune ? 'Yes: objects removed from Git are deleted' : 'No'],
    ['Wait for health', spec.wait ? 'Yes' : 'No'],
    ['Drift', spec.driftMode],
    ['Target namespace', spec.targetNamespace ?? <span className="muted">as in the manifests</span>],
    ['Service account', spec.serviceAccountName ?? <span className="muted">the controller's</span>],
    ['Suspended', stack.suspended ? 'Yes' : 'No'],
  ];
  return (
    <dl className="kv" data-testid="stack-spec">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
