import { useEffect, useState } from 'react';
import '@xyflow/react/dist/style.css';
import { useApp, useLiveEvents, useResync } from '../app-context.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { EventList } from '../components/EventList.tsx';
import { Section } from '../components/Section.tsx';
import { DependencyGraph } from '../graph/DependencyGraph.tsx';
import { InventoryGraph } from '../graph/InventoryGraph.tsx';
import { useCoalesced, useResource } from '../hooks.ts';
import { ApiError } from '../lib/api.ts';
import { addEvent, isAboutStack } from '../lib/events.ts';
import { keyString, parseKey, sameKey } from '../lib/routes.ts';
import type { ObjectKey } from '../model.ts';
import { Link } from '../router.tsx';
import { ConditionsTable } from '../stack/ConditionsTable.tsx';
import { DriftList } from '../stack/DriftSection.tsx';
import { SpecSummary } from '../stack/SpecSummary.tsx';
import { StackActions } from '../stack/StackActions.tsx';
import { StackHeader } from '../stack/StackHeader.tsx';

/** Inventory health changes without Stack events (Pods roll out): look again this often while visible. */
const POLL_MS = 30_000;

/** One Stack: state, source and commit, actions, conditions, dependencies, objects, drift, events. */
export function StackPage({ stackKey }: { stackKey: ObjectKey }) {
  const { api } = useApp();
  const detail = useResource(`stack:${keyString(stackKey)}`, () => api.stack(stackKey));
  const [deleted, setDeleted] = useState(false);
  const refetch = useCoalesced(detail.reload, 800, 3000);
  const sourceKey = detail.data ? parseKey(detail.data.stack.source) : undefined;

  useLiveEvents((event) => {
    switch (event.type) {
      case 'stack':
        if (sameKey(event.stack, stackKey)) {
          setDeleted(false);
          detail.update((d) => ({ ...d, stack: event.stack }));
          refetch();
        } else {
          const row = event.stack;
          detail.update((d) =>
            d.dependencies.nodes.some((n) => sameKey(n, row))
              ? { ...d, dependencies: { ...d.dependencies, nodes: d.dependencies.nodes.map((n) => (sameKey(n, row) ? { ...n, state: row.state } : n)) } }
              : d,
          );
        }
        break;
      case 'stack-deleted':
        if (sameKey(event.key, stackKey)) setDeleted(true);
        break;
      case 'source':
        if (sourceKey && sameKey(event.source, sourceKey)) detail.update((d) => ({ ...d, source: event.source }));
        break;
      case 'event':
        if (isAboutStack(event.event, stackKey)) {
          detail.update((d) => ({ ...d, events: addEvent(d.events, event.event, 200) }));
          refetch();
        }
        break;
      default:
        break;
    }
  });
  useResync(detail.reload);

  const { reload } = detail;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const data = detail.data;
  if (!data) {
    if (detail.error instanceof ApiError && detail.error.status === 404) {
      return (
        <div className="page">
          <div className="card empty-card" data-testid="stack-not-found">
            <h1>
              Stack {stackKey.namespace}/{stackKey.name} not found
            </h1>
            <p className="muted">It may have been deleted, or your account may not see it.</p>
            <Link to="/stacks">All Stacks</Link>
          </div>
        </div>
      );
    }
    return <div className="page">{detail.error ? <ErrorBanner error={detail.error} onRetry={detail.reload} what="this Stack" /> : <p className="loading" role="status">Loading…</p>}</div>;
  }

  return (
    <div className="page stack-page" data-testid="stack-page" data-key={keyString(stackKey)}>
      {deleted && (
        <div className="banner banner-warn" role="status" data-testid="stack-deleted">
          This Stack was deleted.
        </div>
      )}
      {detail.error && <ErrorBanner error={detail.error} onRetry={detail.reload} what="the latest state" />}
      <StackHeader detail={data} deleted={deleted} actions={!deleted && <StackActions key={keyString(stackKey)} detail={data} />} />
      <div className="grid-2 grid-wide-left">
        <Section title="Conditions">
          <ConditionsTable conditions={data.conditions} />
        </Section>
        <Section title="Spec">
          <SpecSummary detail={data} />
        </Section>
      </div>
      <Section title="Dependencies" aside={<span className="muted small">arrows point at what a Stack depends on</span>}>
        <DependencyGraph detail={data} />
      </Section>
      <Section title="Objects" aside={<span className="muted small">{data.inventory.nodes.length.toLocaleString('en-US')} in the graph</span>}>
        <InventoryGraph graph={data.inventory} />
      </Section>
      <Section
        title="Drift"
        testid="drift-section"
        aside={
          data.drift.length > 0 && (
            <span className="small">
              <span className="diff-stat-del">− Git</span> <span className="diff-stat-add">+ live</span>
            </span>
          )
        }
      >
        <DriftList drift={data.drift} />
      </Section>
      <Section title="Events" testid="stack-events-section">
        <EventList events={data.events} testid="stack-events" empty="No events for this Stack." />
      </Section>
    </div>
  );
}
