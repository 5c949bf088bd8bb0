import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Graph, GraphNode } from '../model.ts';

/** Node box size the layout reserves; the node components draw into exactly this. */
export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 58;

/** Above this many nodes the graph is not drawn until a filter narrows it. */
export const MAX_DRAWN_NODES = 1500;

/** Above this many nodes Pods start hidden. */
export const HIDE_PODS_ABOVE = 150;

export const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'SPLINES',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.componentComponent': '36',
  // Objects that own or select nothing (ConfigMaps, ServiceAccounts…) are components of their own;
  // at ELK's default ratio (1.6) six of them stack in one tall column. The frame is wide.
  'elk.aspectRatio': '2.4',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

export interface GraphFilter {
  /** Kinds to show; empty shows every kind. */
  kinds: ReadonlySet<string>;
  hidePods: boolean;
}

export interface KindCount {
  kind: string;
  count: number;
}

/** The kinds in a graph with how many of each, most common first, then by name. */
export function kindsOf(graph: Graph): KindCount[] {
  const counts = new Map<string, number>();
  for (const node of graph.nodes) counts.set(node.kind, (counts.get(node.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

export function defaultFilter(graph: Graph): GraphFilter {
  return { kinds: new Set(), hidePods: graph.nodes.length > HIDE_PODS_ABOVE };
}

/** The nodes the filter keeps and only the edges between two of them. */
export function filterGraph(graph: Graph, filter: GraphFilter): Graph {
  const keep = (node: GraphNode) => (filter.kinds.size === 0 || filter.kinds.has(node.kind)) && !(filter.hidePods && node.kind === 'Pod');
  const nodes = graph.nodes.filter(keep);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  return { nodes, edges };
}

/**
 * Nodes and edges in ELK's input form: fixed-size boxes, edges only between known nodes, one edge
 * per (from, to, type). The ids in the layout are the given ids.
 */
export function toElkGraph(
  nodeIds: readonly string[],
  edges: readonly { from: string; to: string; type?: string }[],
  size: { width: number; height: number } = { width: NODE_WIDTH, height: NODE_HEIGHT },
): ElkNode {
  const known = new Set(nodeIds);
  const children: ElkNode[] = [...known].map((id) => ({ id, width: size.width, height: size.height }));
  const seen = new Set<string>();
  const elkEdges: ElkExtendedEdge[] = [];
  for (const edge of edges) {
    if (!known.has(edge.from) || !known.has(edge.to) || edge.from === edge.to) continue;
    const id = `${edge.type ?? 'edge'}:${edge.from}->${edge.to}`;
    if (seen.has(id)) continue;
    seen.add(id);
    elkEdges.push({ id, sources: [edge.from], targets: [edge.to] });
  }
  return { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges: elkEdges };
}

export interface Point {
  x: number;
  y: number;
}

/** Top-left positions by node id from a laid-out ELK graph. */
export function positionsOf(layout: ElkNode): Map<string, Point> {
  const positions = new Map<string, Point>();
  for (const child of layout.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}

/** The size of the laid-out drawing. */
export function extentOf(layout: ElkNode): { width: number; height: number } {
  return { width: layout.width ?? 0, height: layout.height ?? 0 };
}

/** A key that changes exactly when the layout input changes (for caching layouts). */
export function layoutKey(graph: ElkNode): string {
  const nodes = (graph.children ?? []).map((c) => `${c.id}:${c.width}x${c.height}`).join('|');
  const edges = (graph.edges ?? []).map((e) => e.id).join('|');
  return `${nodes}#${edges}`;
}

/** "<kind> <namespace>/<name>" or "<kind> <name>" for cluster-scoped objects. */
export function describeNode(node: Pick<GraphNode, 'kind' | 'namespace' | 'name'>): string {
  return `${node.kind} ${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
}
