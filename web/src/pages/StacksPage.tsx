import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApp, useLiveEvents, useResync } from '../app-context.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Revision } from '../components/Revision.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useDebounced } from '../hooks.ts';
import { formatCount, formatDuration, plural, shortRevision, sourceLabel } from '../lib/format.ts';
import { rowAt, rowKey, type PagedList } from '../lib/paged-list.ts';
import { filtersFromSearch, isState, nextSort, queryString, sameFilters, type SortKey, type StackFilters } from '../lib/query.ts';
import { stackPath } from '../lib/routes.ts';
import { STATES, stateLabel } from '../lib/states.ts';
import type { StackRow } from '../model.ts';
import { isPlainClick, Link, navigate, useLocation } from '../router.tsx';
import { usePagedList, type PagedListState } from '../use-paged-list.ts';

export const PAGE_SIZE = 200;
const ROW_HEIGHT = 36;

interface Column {
  id: string;
  label: string;
  sort?: SortKey;
  width: string;
  className?: string;
}

const COLUMNS: Column[] = [
  { id: 'state', label: 'State', sort: 'state', width: '9rem' },
  { id: 'name', label: 'Name', sort: 'name', width: '14%' },
  { id: 'namespace', label: 'Namespace', sort: 'namespace', width: '11%' },
  // Mostly a bare name (sourceLabel): the namespace column has the room instead.
  { id: 'source', label: 'Source', width: '9%' },
  { id: 'revision', label: 'Revision', sort: 'revision', width: '13rem' },
  { id: 'objects', label: 'Objects', width: '5.25rem', className: 'num' },
  { id: 'drift', label: 'Drift', sort: 'drift', width: '4.5rem', className: 'num' },
  { id: 'duration', label: 'Duration', sort: 'duration', width: '6.25rem', className: 'num' },
  { id: 'age', label: 'Changed', sort: 'age', width: '6.75rem' },
  { id: 'message', label: 'Message', width: 'auto' },
];

/** Every Stack the user may see: search, filters, sorting, virtualised rows loaded page by page. */
export function StacksPage() {
  const { api } = useApp();
  const { search } = useLocation();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const setFilters = (next: StackFilters) => {
    if (!sameFilters(next, filters)) navigate(`/stacks${queryString(next)}`, { replace: true });
  };

  const paged = usePagedList<StackRow>(filters, PAGE_SIZE, api.stacks);
  useLiveEvents((event) => {
    if (event.type === 'stack') paged.upsert(event.stack);
    else if (event.type === 'stack-deleted') paged.remove(event.key);
  });
  useResync(paged.refresh);

  const { list } = paged;
  const facets = list.facets;

  return (
    <div className="page page-fill">
      <header className="page-head">
        <h1>Stacks</h1>
        <span className="muted" data-testid="stacks-total" data-total={list.total} role="status">
          {paged.ready ? plural(list.total, 'Stack') : 'Loading…'}
        </span>
      </header>
      <Toolbar filters={filters} setFilters={setFilters} facets={facets} />
      {paged.error && <ErrorBanner error={paged.error} onRetry={paged.refresh} what="Stacks" />}
      <StacksTable paged={paged} filters={filters} setFilters={setFilters} />
    </div>
  );
}

function Toolbar({ filters, setFilters, facets }: { filters: StackFilters; setFilters: (f: StackFilters) => void; facets: PagedList<StackRow>['facets'] }) {
  const [text, setText] = useState(filters.q ?? '');
  const settled = useDebounced(text, 250);
  const latest = useRef({ filters, setFilters });
  useEffect(() => {
    latest.current = { filters, setFilters };
  });
  useEffect(() => {
    const { filters: f, setFilters: set } = latest.current;
    const q = settled.trim();
    if ((f.q ?? '') !== q) set({ ...f, q: q || undefined });
  }, [settled]);
  // The URL's search text changed, and not by this box's own debounce (a link, Clear filters): show it.
  const urlQ = filters.q ?? '';
  const lastUrlQ = useRef(urlQ);
  const settledRef = useRef(settled);
  useEffect(() => {
    settledRef.current = settled;
  });
  useEffect(() => {
    if (lastUrlQ.current === urlQ) return;
    lastUrlQ.current = urlQ;
    if (urlQ !== settledRef.current.trim()) setText(urlQ);
  }, [urlQ]);

  const set = (patch: Partial<StackFilters>) => setFilters({ ...filters, ...patch });
  const any = Boolean(filters.q || filters.namespace || filters.state || filters.source);
  const namespaces = withCurrent(facets?.namespaces ?? [], filters.namespace);
  const sources = withCurrent(facets?.sources ?? [], filters.source);

  return (
    <div className="toolbar" role="search">
      <label className="search">
        <span className="visually-hidden">Search Stacks</span>
        <input
          type="search"
          className="input"
          placeholder="Search name, namespace, source, message…"
          data-testid="stacks-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <label className="filter">
        <span className="filter-label">Namespace</span>
        <select className="select" data-testid="stacks-filter-namespace" value={filters.namespace ?? ''} onChange={(e) => set({ namespace: e.target.value || undefined })}>
          <option value="">All</option>
          {namespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">State</span>
        <select className="select" data-testid="stacks-filter-state" value={filters.state ?? ''} onChange={(e) => set({ state: isState(e.target.value) ? e.target.value : undefined })}>
          <option value="">All</option>
          {STATES.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state)}
              {facets ? ` (${formatCount(facets.states[state] ?? 0)})` : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Source</span>
        <select className="select" data-testid="stacks-filter-source" value={filters.source ?? ''} onChange={(e) => set({ source: e.target.value || undefined })}>
          <option value="">All</option>
          {sources.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {any && (
        <button
          type="button"
          className="button subtle"
          data-testid="stacks-clear"
          onClick={() => {
            setText('');
            setFilters({ sort: filters.sort, order: filters.order });
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

/** The menu's values, plus the chosen one if the facets no longer list it. */
function withCurrent(values: string[], current: string | undefined): string[] {
  return current && !values.includes(current) ? [current, ...values] : values;
}

function StacksTable({ paged, filters, setFilters }: { paged: PagedListState<StackRow>; filters: StackFilters; setFilters: (f: StackFilters) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { list } = paged;
  const virtualizer = useVirtualizer({
    count: list.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensureRange } = paged;
  useEffect(() => {
    if (list.total > 0) ensureRange(first - 40, last + 40);
  }, [first, last, list.total, list.pages, ensureRange]);

  // A new query starts at the top.
  const queryKey = queryString(filters);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="table-scroll card" ref={scrollRef} data-testid="stacks-table-scroll">
      <table className="table table-fixed stacks-table" data-testid="stacks-table" aria-rowcount={list.total + 1}>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.id} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => {
              const active = c.sort && filters.sort === c.sort;
              const ariaSort = active ? (filters.order === 'desc' ? 'descending' : 'ascending') : undefined;
              return (
                <th key={c.id} scope="col" aria-sort={ariaSort} className={c.className}>
                  {c.sort ? (
                    <button type="button" className="sort" data-testid={`sort-${c.sort}`} onClick={() => setFilters({ ...filters, ...nextSort(filters, c.sort!) })}>
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (filters.order === 'desc' ? '▼' : '▲') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS.length} style={{ height: paddingTop }} />
            </tr>
          )}
          {items.map((item) => {
            const row = rowAt(list, item.index);
            return row ? (
              <StackTableRow key={rowKey(row)} row={row} index={item.index} deleted={list.deleted.has(rowKey(row))} />
            ) : (
              <tr key={`placeholder-${item.index}`} className="placeholder" aria-rowindex={item.index + 2}>
                <td colSpan={COLUMNS.length}>
                  <span className="skeleton" /> Loading…
                </td>
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS.length} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
      {paged.ready && list.total === 0 && !paged.error && (
        <p className="empty" data-testid="stacks-empty">
          {filters.q || filters.namespace || filters.state || filters.source ? 'No Stack matches these filters.' : 'No Stacks yet.'}
        </p>
      )}
    </div>
  );
}

const StackTableRow = memo(function StackTableRow({ row, index, deleted }: { row: StackRow; index: number; deleted: boolean }) {
  const to = stackPath(row);
  return (
    <tr
      data-testid="stack-row"
      data-key={`${row.namespace}/${row.name}`}
      data-state={row.state}
      aria-rowindex={index + 2}
      className={`clickable${deleted ? ' deleted' : ''}`}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('a, button') || !isPlainClick(e) || window.getSelection()?.toString()) return;
        navigate(to);
      }}
    >
      <td>
        {deleted ? <span className="badge tone-off">Deleted</span> : <StateBadge state={row.state} testid="stack-row-state" />}
      </td>
      <td className="ellipsis" title={row.name}>
        <Link to={to} className="row-link">
          {row.name}
        </Link>
      </td>
      <td className="ellipsis" title={row.namespace}>
        {row.namespace}
      </td>
      <td className="ellipsis" title={row.source}>
        {sourceLabel(row)}
      </td>
      <td className="ellipsis">
        <Revision revision={row.revision} />
      </td>
      <td className="num">{formatCount(row.objects)}</td>
      <td className={`num${row.driftCount > 0 ? ' drift-count' : ''}`} title={row.lastDriftTime ? `Last drift ${row.lastDriftTime}` : undefined}>
        {row.driftCount > 0 ? formatCount(row.driftCount) : <span className="muted">0</span>}
      </td>
      <td className="num">{row.durationSeconds !== undefined ? formatDuration(row.durationSeconds) : <span className="muted">—</span>}</td>
      <td className="nowrap">
        <Time iso={row.lastTransitionTime} />
      </td>
      <td className="ellipsis message" title={row.message}>
        {shortRevision(row.message)}
      </td>
    </tr>
  );
});
