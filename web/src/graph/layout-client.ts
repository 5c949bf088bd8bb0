import type { ElkNode } from 'elkjs/lib/elk-api';
import { layoutKey } from '../lib/graph-model.ts';
import type { LayoutRequest, LayoutResponse } from './layout.worker.ts';

/** The one layout worker, started on first use, with recent layouts cached by their input. */
let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (layout: ElkNode) => void; reject: (error: Error) => void }>();
const cache = new Map<string, ElkNode>();
const CACHE_SIZE = 20;

function start(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
  w.onmessage = (event: MessageEvent<LayoutResponse>) => {
    const response = event.data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if ('error' in response) waiter.reject(new Error(response.error));
    else waiter.resolve(response.layout);
  };
  w.onerror = (event) => {
    const error = new Error(`graph layout failed: ${event.message || 'worker error'}`);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    w.terminate();
    worker = undefined;
  };
  worker = w;
  return w;
}

/** Lays out the graph in the worker; the same input returns the cached layout. */
export function layoutGraph(graph: ElkNode): Promise<ElkNode> {
  const key = layoutKey(graph);
  const cached = cache.get(key);
  if (cached) return Promise.resolve(cached);
  const id = nextId++;
  return new Promise<ElkNode>((resolve, reject) => {
    pending.set(id, {
      resolve: (layout) => {
        cache.set(key, layout);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
        resolve(layout);
      },
      reject,
    });
    const request: LayoutRequest = { id, graph };
    start().postMessage(request);
  });
}
