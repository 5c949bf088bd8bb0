import type { ReactNode } from 'react';
import { useApp, useLiveEvents, useResync } from '../app-context.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { EventList } from '../components/EventList.tsx';
import { Section } from '../components/Section.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useCoalesced, useResource } from '../hooks.ts';
import { addEvent } from '../lib/events.ts';
import { formatCount, formatDuration, shortRevision } from '../lib/format.ts';
import { queryString } from '../lib/query.ts';
import { stackPath } from '../lib/routes.ts';
import { STATES, stateLabel, stateTone, total } from '../lib/states.ts';
import type { State, StackRow } from '../model.ts';
import { Link } from '../router.tsx';

/** The fleet at a glance: counts by State, the latest events, the slowest and the failing Stacks. */
export function OverviewPage() {
  const { api } = useApp();
  const overview = useResource('overview', () => api.overview());
  const refresh = useCoalesced(overview.reload, 1000, 4000);

  useLiveEvents((event) => {
    if (event.type === 'event') overview.update((o) => ({ ...o, events: addEvent(o.events, event.event, 20) }));
    else refresh();
  });
  useResync(overview.reload);

  const data = overview.data;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Overview</h1>
      </header>
      {overview.error && <ErrorBanner error={overview.error} onRetry={overview.reload} what="the overview" />}
      {!data && !overview.error && <p className="loading" role="status">Loading…</p>}
      {data && (
        <>
          <div className="count-groups">
            <CountGroup kind="stacks" title="Stacks" counts={data.stacks} link />
            <CountGroup kind="sources" title="Sources" counts={data.sources} />
          </div>
          <div className="grid-2">
            <Section title="Failing Stacks" testid="overview-failing" aside={data.failing.length > 0 && <Link to={`/stacks${queryString({ state: 'failed' })}`}>All failed</Link>}>
              <StackList rows={data.failing} empty="No Stack is failing." detail={(row) => (
                  <span className="message clamp" title={row.message}>
                    {shortRevision(row.message)}
                  </span>
                )} />
            </Section>
            <Section title="Slowest Stacks" testid="overview-slowest" aside={<Link to={`/stacks${queryString({ sort: 'duration', order: 'desc' })}`}>By duration</Link>}>
              <StackList rows={data.slowest} empty="No reconcile durations yet." detail={(row) => <span className="num">{formatDuration(row.durationSeconds)}</span>} />
            </Section>
          </div>
          <Section title="Latest events" testid="overview-events">
            <EventList events={data.events} showObject empty="No recent events." />
          </Section>
        </>
      )}
    </div>
  );
}

function CountGroup({ kind, title, counts, link }: { kind: 'stacks' | 'sources'; title: string; counts: Record<State, number>; link?: boolean }) {
  const all = total(counts);
  return (
    <section className="count-group" aria-label={`${title} by state`}>
      <h2>
        {title} <span className="muted" data-testid={`overview-total-${kind}`}>{formatCount(all)}</span>
      </h2>
      <ul className="count-cards">
        {STATES.map((state) => {
          const n = counts[state] ?? 0;
          const body = (
            <>
              <span className="count-value" data-testid={`overview-count-${kind}-${state}`}>
                {formatCount(n)}
              </span>
              <span className="count-label">
                <span className="dot" aria-hidden="true" />
                {stateLabel(state)}
              </span>
            </>
          );
          const className = `count-card tone-${stateTone(state)}${n === 0 ? ' is-zero' : ''}`;
          return (
            <li key={state}>
              {link ? (
                <Link to={`/stacks${queryString({ state })}`} className={className} aria-label={`${formatCount(n)} ${stateLabel(state)} ${title}`}>
                  {body}
                </Link>
              ) : (
                <div className={className}>{body}</div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function StackList({ rows, empty, detail }: { rows: StackRow[]; empty: string; detail: (row: StackRow) => ReactNode }) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Stack</th>
          <th scope="col">State</th>
          <th scope="col">Detail</th>
          <th scope="col">Changed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.namespace}/${row.name}`} data-testid="overview-stack">
            <td className="nowrap">
              <Link to={stackPath(row)}>
                <span className="muted">{row.namespace}/</span>
                {row.name}
              </Link>
            </td>
            <td>
              <StateBadge state={row.state} />
            </td>
            <td>{detail(row)}</td>
            <td className="nowrap">
              <Time iso={row.lastTransitionTime} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
