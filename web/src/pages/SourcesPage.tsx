import { useEffect, useState } from 'react';
import { useApp, useLiveEvents, useResync } from '../app-context.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Revision } from '../components/Revision.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useDebounced } from '../hooks.ts';
import { firstLine, plural } from '../lib/format.ts';
import { isComplete, loadedCount, rowAt, rowKey } from '../lib/paged-list.ts';
import type { SourceRow } from '../model.ts';
import { queryString } from '../lib/query.ts';
import { Link } from '../router.tsx';
import { usePagedList } from '../use-paged-list.ts';

const PAGE_SIZE = 500;

/** The GitRepositories: what they fetch, the revision they hold, when they last fetched, errors. */
export function SourcesPage() {
  const { api } = useApp();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const paged = usePagedList<SourceRow>(q ? { q } : {}, PAGE_SIZE, api.sources);
  const { list, ensureRange } = paged;

  // Sources are few: load them all, page after page.
  useEffect(() => {
    if (list.total > 0 && !isComplete(list)) ensureRange(0, list.total - 1);
  }, [list, ensureRange]);

  useLiveEvents((event) => {
    if (event.type === 'source') paged.upsert(event.source);
    else if (event.type === 'source-deleted') paged.remove(event.key);
  });
  useResync(paged.refresh);

  const rows: { row: SourceRow; deleted: boolean }[] = [];
  for (let i = 0; i < loadedCount(list) && i < list.total; i++) {
    const row = rowAt(list, i);
    if (row) rows.push({ row, deleted: list.deleted.has(rowKey(row)) });
  }

  return (
    <div className="page">
      <header className="page-head">
        <h1>Sources</h1>
        <span className="muted" data-testid="sources-total" role="status">
          {paged.ready ? plural(list.total, 'GitRepository', 'GitRepositories') : 'Loading…'}
        </span>
      </header>
      <div className="toolbar" role="search">
        <label className="search">
          <span className="visually-hidden">Search sources</span>
          <input type="search" className="input" placeholder="Search name, namespace, URL…" data-testid="sources-search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
      {paged.error && <ErrorBanner error={paged.error} onRetry={paged.refresh} what="sources" />}
      <div className="card table-card">
        <table className="table sources-table" data-testid="sources-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Name</th>
              <th scope="col">URL and ref</th>
              <th scope="col">Revision</th>
              <th scope="col">Commit</th>
              <th scope="col">Last fetch</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ row, deleted }) => (
              <tr key={rowKey(row)} data-testid="source-row" data-key={rowKey(row)} data-state={row.state} className={deleted ? 'deleted' : undefined}>
                <td>{deleted ? <span className="badge tone-off">Deleted</span> : <StateBadge state={row.state} testid="source-state" />}</td>
                <td className="name-cell">
                  <span className="nowrap">
                    <span className="muted">{row.namespace}/</span>
                    <strong>{row.name}</strong>
                  </span>
                  <Link to={`/stacks${queryString({ source: rowKey(row) })}`} className="small" data-testid="source-stacks">
                    Stacks from this source
                  </Link>
                </td>
                <td className="url-cell">
                  <span className="url" title={row.url}>
                    {row.url}
                  </span>
                  <span className="muted small">{row.ref}</span>
                </td>
                <td>
                  <Revision revision={row.revision} />
                </td>
                <td className="commit-cell">
                  {row.commit ? (
                    <>
                      <span className="commit-message" title={row.commit.message}>
                        {firstLine(row.commit.message)}
                      </span>
                      <span className="muted small">
                        {row.commit.author}, <Time iso={row.commit.time} />
                      </span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="nowrap">
                  <Time iso={row.lastFetchTime} fallback="never" />
                </td>
                <td className="message error-text" data-testid="source-error">
                  {row.error ?? (row.state === 'failed' ? row.message : '')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {paged.ready && list.total === 0 && !paged.error && <p className="empty">{q ? 'No source matches.' : 'No GitRepositories yet.'}</p>}
        {!paged.ready && <p className="loading" role="status">Loading…</p>}
      </div>
    </div>
  );
}
