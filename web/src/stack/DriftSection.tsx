import { useMemo } from 'react';
import { Time } from '../components/Time.tsx';
import { diffStat, parseDiff } from '../lib/diff.ts';
import { describeNode } from '../lib/graph-model.ts';
import type { DriftView } from '../model.ts';

/** Each drifted object: the fields that differ and the unified diff, Git against live. */
export function DriftList({ drift }: { drift: DriftView[] }) {
  if (drift.length === 0) {
    return (
      <p className="empty" data-testid="drift-none">
        No drift: the live objects match Git.
      </p>
    );
  }
  return (
    <ul className="drift-list">
      {drift.map((d, i) => (
        <DriftItem key={`${describeNode(d.object)}-${i}`} drift={d} />
      ))}
    </ul>
  );
}

function DriftItem({ drift }: { drift: DriftView }) {
  const lines = useMemo(() => parseDiff(drift.diff), [drift.diff]);
  const stat = diffStat(lines);
  return (
    <li className="drift-item" data-testid="drift-item" data-object={describeNode(drift.object)}>
      <div className="drift-head">
        <strong>
          <span className="muted">{drift.object.kind}</span> {drift.object.namespace ? `${drift.object.namespace}/` : ''}
          {drift.object.name}
        </strong>
        <span className="muted small">
          {drift.object.apiVersion}
          {drift.time && (
            <>
              {' · '}
              <Time iso={drift.time} />
            </>
          )}
          {lines.length > 0 && (
            <>
              {' · '}
              <span className="diff-stat-add">+{stat.added}</span> <span className="diff-stat-del">−{stat.removed}</span>
            </>
          )}
        </span>
      </div>
      {drift.paths.length > 0 && (
        <ul className="paths" aria-label="Fields that differ" data-testid="drift-paths">
          {drift.paths.map((p) => (
            <li key={p}>
              <code>{p}</code>
            </li>
          ))}
        </ul>
      )}
      {lines.length > 0 ? (
        <pre className="diff" data-testid="drift-diff" aria-label={`Diff of ${describeNode(drift.object)}: lines starting with minus are Git, plus are live`}>
          {lines.map((line, i) => (
            <span key={i} className={`diff-line diff-${line.kind}`} data-kind={line.kind}>
              {line.text || ' '}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <p className="muted small">No diff recorded.</p>
      )}
    </li>
  );
}
