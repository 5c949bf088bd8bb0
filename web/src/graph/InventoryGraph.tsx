import { useMemo, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge } from '@xyflow/react';
import { defaultFilter, describeNode, filterGraph, kindsOf, MAX_DRAWN_NODES, NODE_HEIGHT, NODE_WIDTH, toElkGraph, type GraphFilter } from '../lib/graph-model.ts';
import { HealthBadge } from '../components/StateBadge.tsx';
import { plural } from '../lib/format.ts';
import type { Graph, GraphNode } from '../model.ts';
import { ObjectNode, type ObjectFlowNode } from './ObjectNode.tsx';
import { useLayout } from './use-layout.ts';

const nodeTypes = { object: ObjectNode };

/** The frame's height bounds; between them it is as tall as the laid-out graph at full zoom. */
const MIN_FRAME = 240;
const MAX_FRAME = 640;
/** fitView's maxZoom and padding below, and the controls' room. */
const FIT_ZOOM = 1.1;
const FIT_PADDING = 0.08;

const EDGE_STYLE = {
  owner: { stroke: 'var(--edge-owner)', strokeWidth: 1.5 },
  selects: { stroke: 'var(--edge-selects)', strokeWidth: 1.5, strokeDasharray: '6 4' },
} as const;

/** The Stack's objects and what they own or select, laid out by ELK, coloured by health. */
export function InventoryGraph({ graph }: { graph: Graph }) {
  const kinds = useMemo(() => kindsOf(graph), [graph]);
  const [filter, setFilter] = useState<GraphFilter>(() => defaultFilter(graph));
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const shown = useMemo(() => filterGraph(graph, filter), [graph, filter]);
  const tooMany = shown.nodes.length > MAX_DRAWN_NODES;
  const elkInput = useMemo(
    () => (tooMany || shown.nodes.length === 0 ? undefined : toElkGraph(shown.nodes.map((n) => n.id), shown.edges)),
    [shown, tooMany],
  );
  const layout = useLayout(elkInput);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const selected = selectedId ? byId.get(selectedId) : undefined;

  const nodes = useMemo<ObjectFlowNode[]>(() => {
    if (layout.status !== 'done') return [];
    return shown.nodes.map((object) => ({
      id: object.id,
      type: 'object',
      position: layout.positions.get(object.id) ?? { x: 0, y: 0 },
      data: { object, selected: object.id === selectedId },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      draggable: false,
      connectable: false,
      ariaLabel: `${describeNode(object)}, ${object.health}${object.drifted ? ', drifted' : ''}`,
    }));
  }, [layout, shown, selectedId]);

  const edges = useMemo<Edge[]>(
    () =>
      shown.edges.map((e) => ({
        id: `${e.type}:${e.from}->${e.to}`,
        source: e.from,
        target: e.to,
        type: 'default',
        style: EDGE_STYLE[e.type],
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: e.type === 'owner' ? '#8c959f' : '#8250df' },
        focusable: false,
        data: { type: e.type },
        className: `edge-${e.type}`,
      })),
    [shown],
  );

  // A few objects in a 640px frame float in empty space; a big graph still gets the full frame
  // (and fitView zooms out). A one-line message needs no more than the minimum. The CSS caps it at 70vh.
  const frameHeight =
    layout.status === 'done' && !tooMany && shown.nodes.length > 0
      ? Math.round(Math.min(MAX_FRAME, Math.max(MIN_FRAME, layout.size.height * FIT_ZOOM * (1 + 2 * FIT_PADDING) + 24)))
      : MIN_FRAME;

  const hasPods = kinds.some((k) => k.kind === 'Pod');
  const toggleKind = (kind: string) => {
    const next = new Set(filter.kinds);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setFilter({ ...filter, kinds: next });
  };

  return (
    <div className="inventory" data-testid="inventory-graph">
      <div className="graph-toolbar">
        <fieldset className="kind-filter" data-testid="graph-filter-kind">
          <legend className="filter-label">Kinds</legend>
          <button type="button" className={`chip${filter.kinds.size === 0 ? ' chip-on' : ''}`} aria-pressed={filter.kinds.size === 0} onClick={() => setFilter({ ...filter, kinds: new Set() })}>
            All
          </button>
          {kinds.map((k) => (
            <button
              key={k.kind}
              type="button"
              className={`chip${filter.kinds.has(k.kind) ? ' chip-on' : ''}`}
              aria-pressed={filter.kinds.has(k.kind)}
              data-kind={k.kind}
              onClick={() => toggleKind(k.kind)}
            >
              {k.kind} <span className="chip-count">{k.count}</span>
            </button>
          ))}
        </fieldset>
        {hasPods && (
          <label className="checkbox">
            <input type="checkbox" data-testid="graph-hide-pods" checked={filter.hidePods} onChange={(e) => setFilter({ ...filter, hidePods: e.target.checked })} />
            Hide Pods
          </label>
        )}
      </div>
      <div className="graph-frame" style={{ height: frameHeight }}>
        {shown.nodes.length === 0 ? (
          <p className="empty">{graph.nodes.length === 0 ? 'No objects in the inventory yet.' : 'No object matches this filter.'}</p>
        ) : tooMany ? (
          <p className="empty">
            {shown.nodes.length.toLocaleString('en-US')} objects are too many to draw at once; choose kinds above{hasPods && !filter.hidePods ? ' or hide Pods' : ''}.
          </p>
        ) : layout.status === 'failed' ? (
          <p className="empty">The graph could not be laid out: {layout.error}</p>
        ) : layout.status !== 'done' ? (
          <p className="empty" role="status">
            Laying out {plural(shown.nodes.length, 'object')}…
          </p>
        ) : (
          <ReactFlow
            key={elkInput ? `${shown.nodes.length}:${shown.edges.length}` : 'empty'}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={{ padding: FIT_PADDING, maxZoom: FIT_ZOOM, minZoom: 0.05 }}
            minZoom={0.05}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            edgesFocusable={false}
            onlyRenderVisibleElements={nodes.length > 300}
            onNodeClick={(_, node) => setSelectedId(node.id === selectedId ? undefined : node.id)}
            onPaneClick={() => setSelectedId(undefined)}
          >
            <Background gap={20} size={1} color="#dfe3e8" />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </div>
      <div className="graph-foot">
        <Legend />
        {selected && <NodeDetails node={selected} onClose={() => setSelectedId(undefined)} />}
      </div>
    </div>
  );
}

function NodeDetails({ node, onClose }: { node: GraphNode; onClose: () => void }) {
  return (
    <div className="node-details" data-testid="graph-node-details" aria-live="polite">
      <div className="node-details-head">
        <strong>{describeNode(node)}</strong>
        <button type="button" className="button subtle small" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </div>
      <dl className="kv compact">
        <div>
          <dt>API version</dt>
          <dd>
            <code>{node.apiVersion}</code>
          </dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>
            <HealthBadge health={node.health} />
          </dd>
        </div>
        <div>
          <dt>Managed</dt>
          <dd>{node.managed ? 'Yes: in the Stack’s inventory' : 'No: found through an owner reference or selector'}</dd>
        </div>
        <div>
          <dt>Drift</dt>
          <dd>{node.drifted ? <span className="drift-count">Drifted from Git</span> : 'None'}</dd>
        </div>
        {node.message && (
          <div>
            <dt>Message</dt>
            <dd className="message">{node.message}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      <li>
        <span className="swatch tone-ok" /> Current
      </li>
      <li>
        <span className="swatch tone-busy" /> In progress
      </li>
      <li>
        <span className="swatch tone-bad" /> Failed
      </li>
      <li>
        <span className="swatch tone-off" /> Terminating / not found
      </li>
      <li>
        <span className="swatch tone-none" /> Unknown
      </li>
      <li>
        <span className="swatch swatch-drift" /> Drifted
      </li>
      <li>
        <span className="line line-owner" /> owns
      </li>
      <li>
        <span className="line line-selects" /> selects
      </li>
    </ul>
  );
}
