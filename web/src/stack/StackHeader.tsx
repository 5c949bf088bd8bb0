import { Revision } from '../components/Revision.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { Time } from '../components/Time.tsx';
import { firstLine, formatCount, formatDuration, shortRevision } from '../lib/format.ts';
import type { ReactNode } from 'react';
import type { StackDetail } from '../model.ts';
import { Link } from '../router.tsx';

/** Name, state and message, then where it comes from: source, revision, the commit. */
export function StackHeader({ detail, deleted, actions }: { detail: StackDetail; deleted: boolean; actions?: ReactNode }) {
  const { stack, source } = detail;
  const commit = source?.commit;
  return (
    <header className="stack-head card">
      <div className="stack-title-row">
        <div>
          <p className="eyebrow">
            <Link to="/stacks">Stacks</Link> <span aria-hidden="true">/</span> {stack.namespace}
          </p>
          <h1 data-testid="stack-title">{stack.name}</h1>
        </div>
        <div className="stack-state">
          {deleted ? (
            <span className="badge badge-large tone-off" data-testid="stack-state" data-state="deleted">
              Deleted
            </span>
          ) : (
            <StateBadge state={stack.state} large testid="stack-state" />
          )}
        </div>
      </div>
      {stack.message && (
        <p className={`stack-message tone-text-${stack.state}`} data-testid="stack-message">
          {stack.message}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Source</dt>
          <dd data-testid="stack-source">
            <Link to="/sources">{stack.source}</Link>
            {source?.ref && <span className="muted"> · {source.ref}</span>}
          </dd>
        </div>
        <div>
          <dt>Path</dt>
          <dd>
            <code>{stack.path}</code>
          </dd>
        </div>
        <div>
          <dt>Applied revision</dt>
          <dd>
            <Revision revision={stack.revision} testid="stack-revision" />
            {source?.revision && stack.revision && source.revision !== stack.revision && (
              <span className="note" title={source.revision}>
                {' '}
                (the source is at {shortRevision(source.revision)})
              </span>
            )}
          </dd>
        </div>
        <div className="fact-wide">
          <dt>Commit</dt>
          <dd data-testid="stack-commit">
            {commit ? (
              <>
                <span className="commit-message">{firstLine(commit.message)}</span>
                <span className="muted">
                  {' '}
                  — {commit.author}, <Time iso={commit.time} /> · <code title={commit.sha}>{commit.sha.slice(0, 12)}</code>
                </span>
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Objects</dt>
          <dd>{formatCount(stack.objects)}</dd>
        </div>
        <div>
          <dt>Drift</dt>
          <dd>
            {stack.driftCount > 0 ? (
              <>
                <span className="drift-count">{formatCount(stack.driftCount)}</span>
                {stack.lastDriftTime && (
                  <span className="muted">
                    {' '}
                    · last <Time iso={stack.lastDriftTime} />
                  </span>
                )}
              </>
            ) : (
              'None'
            )}
          </dd>
        </div>
        <div>
          <dt>Last reconcile took</dt>
          <dd>{stack.durationSeconds !== undefined ? formatDuration(stack.durationSeconds) : <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>State since</dt>
          <dd>
            <Time iso={stack.lastTransitionTime} />
          </dd>
        </div>
      </dl>
      {actions && <div className="stack-actions">{actions}</div>}
    </header>
  );
}
