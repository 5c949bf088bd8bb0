import type { DriftMode } from '../../api/index.ts';
import { compileIgnore, driftPaths, type CompiledIgnore } from '../../engine/drift/compare.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { DriftEvent } from './watcher.ts';

/** One object as Governor last applied it: the fields Git sets, and the API server's answer. */
export interface AppliedObject {
  rendered: KubeObject;
  applied: KubeObject;
}

export interface DriftFinding {
  id: string;
  object: KubeObject;
  /** Changed field paths (never values); empty for a deletion. */
  paths: string[];
  deleted: boolean;
}

interface StackState {
  /** Revision, generation and substitution inputs of the last successful apply. */
  fingerprint: string;
  mode: DriftMode;
  ignore: CompiledIgnore;
  objects: Map<string, AppliedObject>;
  /** Drift seen since the Stack's last reconcile, by object id. */
  pending: Map<string, DriftFinding>;
  /** In `warn` mode: objects that differ from Git now. */
  outOfSync: Map<string, DriftFinding>;
}

/**
 * What each Stack last applied, and the drift seen since. Watch events are compared here (cheaply,
 * field by field) so that only real drift wakes a Stack up; a quiet cluster costs nothing.
 * In memory only: after a restart the first reconcile of each Stack compares everything anew.
 */
export class DriftTracker {
  private readonly stacks = new Map<string, StackState>();

  remember(key: string, state: { fingerprint: string; mode: DriftMode; ignore: Parameters<typeof compileIgnore>[0]; objects: Map<string, AppliedObject> }): void {
    const prev = this.stacks.get(key);
    this.stacks.set(key, {
      fingerprint: state.fingerprint,
      mode: state.mode,
      ignore: compileIgnore(state.ignore),
      objects: state.objects,
      pending: new Map(),
      outOfSync: state.mode === 'warn' && prev?.fingerprint === state.fingerprint ? prev.outOfSync : new Map(),
    });
  }

  forget(key: string): void {
    this.stacks.delete(key);
  }

  fingerprint(key: string): string | undefined {
    return this.stacks.get(key)?.fingerprint;
  }

  object(key: string, id: string): AppliedObject | undefined {
    return this.stacks.get(key)?.objects.get(id);
  }

  /** After a correction: the API server's new answer is what later events are compared with. */
  updateApplied(key: string, id: string, applied: KubeObject): void {
    const o = this.stacks.get(key)?.objects.get(id);
    if (o) o.applied = applied;
  }

  /** No drift seen on this object since the last apply (none pending, none left out of sync). */
  inSync(key: string, id: string): boolean {
    const st = this.stacks.get(key);
    return st !== undefined && !st.pending.has(id) && !st.outOfSync.has(id);
  }

  outOfSync(key: string): DriftFinding[] {
    return [...(this.stacks.get(key)?.outOfSync.values() ?? [])];
  }

  /**
   * A watch event on a managed object. True when the Stack needs to act: new drift, or (in warn
   * mode) an out-of-sync object that is back in line.
   */
  observe(ev: DriftEvent): boolean {
    const key = `${ev.stack.namespace}/${ev.stack.name}`;
    const st = this.stacks.get(key);
    const known = st?.objects.get(ev.id);
    if (!st || !known || st.mode === 'ignore') return false;
    const paths = ev.type === 'deleted' ? [] : driftPaths(known.rendered, known.applied, ev.object, { ignore: st.ignore });
    if (ev.type !== 'deleted' && paths.length === 0) {
      st.pending.delete(ev.id);
      return st.outOfSync.delete(ev.id);
    }
    st.pending.set(ev.id, { id: ev.id, object: ev.object, paths, deleted: ev.type === 'deleted' });
    return true;
  }

  /** Objects found different from Git by a full comparison (warn mode, after a restart). */
  markOutOfSync(key: string, findings: DriftFinding[]): void {
    const st = this.stacks.get(key);
    if (st) for (const f of findings) st.outOfSync.set(f.id, f);
  }

  /** The drift seen since the last call, oldest first; it is the caller's to report and handle. */
  takePending(key: string): DriftFinding[] {
    const st = this.stacks.get(key);
    if (!st) return [];
    const out = [...st.pending.values()];
    st.pending.clear();
    if (st.mode === 'warn') for (const f of out) st.outOfSync.set(f.id, f);
    return out;
  }
}
