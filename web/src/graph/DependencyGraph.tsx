import { memo, useMemo } from 'react';
import { Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { toElkGraph } from '../lib/graph-model.ts';
import { keyString, stackPath } from '../lib/routes.ts';
import { stateLabel, stateTone } from '../lib/states.ts';
import type { ObjectKey, StackDetail, State } from '../model.ts';
import { navigate } from '../router.tsx';
import { useLayout } from './use-layout.ts';

const WIDTH = 200;
const HEIGHT = 44;
const MIN_HEIGHT = 110;
const MAX_HEIGHT = 420;

type StackNodeData = { key: ObjectKey; state: State; current: boolean };
type StackFlowNode = Node<StackNodeData, 'stack'>;

const StackNode = memo(function StackNode({ data }: NodeProps<StackFlowNode>) {
  return (
    <div className={`dep-node tone-${stateTone(data.state)}${data.current ? ' is-current' : ''}`} data-testid="dependency-node" data-key={keyString(data.key)} data-state={data.state}>
      <Handle type="target" position={Position.Left} isConnectable={false} className="graph-handle" />
      <div className="dep-node-name" title={keyString(data.key)}>
        <span className="muted">{data.key.namespace}/</span>
        {data.key.name}
      </div>
      <div className="graph-node-health">
        <span className="dot" aria-hidden="true" />
        {stateLabel(data.state)}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </div>
  );
});

const nodeTypes = { stack: StackNode };

/** The Stack, what it depends on and what depends on it; a click opens another Stack. */
export function DependencyGraph({ detail }: { detail: StackDetail }) {
  const { dependencies, stack } = detail;
  const self = keyString(stack);
  const ids = useMemo(() => dependencies.nodes.map(keyString), [dependencies]);
  const elkInput = useMemo(() => (dependencies.nodes.length > 1 ? toElkGraph(ids, dependencies.edges, { width: WIDTH, height: HEIGHT }) : undefined), [ids, dependencies]);
  const layout = useLayout(elkInput);

  const nodes = useMemo<StackFlowNode[]>(() => {
    if (layout.status !== 'done') return [];
    return dependencies.nodes.map((n) => ({
      id: keyString(n),
      type: 'stack',
      position: layout.positions.get(keyString(n)) ?? { x: 0, y: 0 },
      data: { key: { namespace: n.namespace, name: n.name }, state: n.state, current: keyString(n) === self },
      width: WIDTH,
      height: HEIGHT,
      draggable: false,
      connectable: false,
      ariaLabel: `Stack ${keyString(n)}, ${stateLabel(n.state)}`,
    }));
  }, [layout, dependencies, self]);
  const edges = useMemo<Edge[]>(
    () =>
      dependencies.edges.map((e) => ({
        id: `${e.from}->${e.to}`,
        source: e.from,
        target: e.to,
        style: { stroke: 'var(--edge-owner)', strokeWidth: 1.5 },
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: '#8c959f' },
        focusable: false,
      })),
    [dependencies],
  );

  if (dependencies.nodes.length <= 1) {
    return (
      <p className="empty" data-testid="dependency-graph">
        No dependencies: this Stack depends on no other Stack, and none depends on it.
      </p>
    );
  }
  // As tall as the drawing at full size, within limits; taller drawings are zoomed out to fit.
  const height = layout.status === 'done' ? Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, layout.size.height + 24)) : MIN_HEIGHT;
  return (
    <div className="dep-graph" data-testid="dependency-graph" style={{ height }}>
      {layout.status === 'done' ? (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ padding: 0.06, maxZoom: 1, minZoom: 0.1 }}
          minZoom={0.1}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          zoomOnScroll={false}
          panOnScroll={false}
          preventScrolling={false}
          onNodeClick={(_, node) => {
            if (node.id !== self) navigate(stackPath(node.data.key));
          }}
          proOptions={{ hideAttribution: true }}
        />
      ) : layout.status === 'failed' ? (
        <p className="empty">The graph could not be laid out: {layout.error}</p>
      ) : (
        <p className="empty" role="status">
          Laying out…
        </p>
      )}
    </div>
  );
}
