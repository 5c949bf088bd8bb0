import { useEffect, useState } from 'react';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { extentOf, layoutKey, positionsOf, type Point } from '../lib/graph-model.ts';
import { layoutGraph } from './layout-client.ts';

export type LayoutState = { status: 'idle' } | { status: 'running' } | { status: 'done'; positions: Map<string, Point>; size: { width: number; height: number } } | { status: 'failed'; error: string };

/** The positions ELK (in the worker) gives the graph; undefined input lays out nothing. */
export function useLayout(graph: ElkNode | undefined): LayoutState {
  const key = graph ? layoutKey(graph) : '';
  const [state, setState] = useState<{ key: string; layout: LayoutState }>({ key: '', layout: { status: 'idle' } });
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    setState((s) => (s.key === key ? s : { key, layout: { status: 'running' } }));
    layoutGraph(graph).then(
      (laid) => {
        if (!cancelled) setState({ key, layout: { status: 'done', positions: positionsOf(laid), size: extentOf(laid) } });
      },
      (error: unknown) => {
        if (!cancelled) setState({ key, layout: { status: 'failed', error: error instanceof Error ? error.message : String(error) } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]); // the key stands for the graph's content
  if (!graph) return { status: 'idle' };
  return state.key === key ? state.layout : { status: 'running' };
}
