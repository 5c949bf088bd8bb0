import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { healthLabel, healthTone } from '../lib/states.ts';
import type { GraphNode } from '../model.ts';

export type ObjectNodeData = { object: GraphNode; selected: boolean };
export type ObjectFlowNode = Node<ObjectNodeData, 'object'>;

/** One Kubernetes object in the inventory graph: kind, name, health (colour and words), drift. */
export const ObjectNode = memo(function ObjectNode({ data }: NodeProps<ObjectFlowNode>) {
  const { object, selected } = data;
  const tone = healthTone(object.health);
  const classes = ['graph-node', `tone-${tone}`, object.managed ? 'managed' : 'unmanaged', object.drifted ? 'drifted' : '', selected ? 'is-selected' : ''].filter(Boolean).join(' ');
  return (
    <div
      className={classes}
      data-testid="graph-node"
      data-id={object.id}
      data-kind={object.kind}
      data-health={object.health}
      data-drifted={object.drifted ? 'true' : 'false'}
      title={object.message ? `${object.kind} ${object.name}: ${object.message}` : `${object.kind} ${object.name}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="graph-handle" />
      <div className="graph-node-top">
        <span className="graph-node-kind">{object.kind}</span>
        {object.drifted && <span className="graph-node-drift">Drifted</span>}
      </div>
      <div className="graph-node-name">{object.name}</div>
      <div className="graph-node-health">
        <span className="dot" aria-hidden="true" />
        {healthLabel(object.health)}
        {!object.managed && <span className="muted"> · found</span>}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </div>
  );
});
