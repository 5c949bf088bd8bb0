/**
 * Lays out graphs with ELK (layered, direction RIGHT — the options come with each graph) off the
 * main thread. Message in: { id, graph: ElkNode }; out: { id, layout } or { id, error }.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';

export interface LayoutRequest {
  id: number;
  graph: ElkNode;
}

export type LayoutResponse = { id: number; layout: ElkNode } | { id: number; error: string };

const elk = new ELK();
const scope = self as unknown as { onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null; postMessage(message: LayoutResponse): void };

scope.onmessage = (event) => {
  const { id, graph } = event.data;
  elk.layout(graph).then(
    (layout) => scope.postMessage({ id, layout }),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
