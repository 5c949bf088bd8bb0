import { API_VERSION } from '../../api/index.ts';
import type { ObjectRef } from '../../kube/types.ts';

/** How one reconcile ends, as the Ready condition (and Stalled, when only a change of spec helps) says it. */
export interface Outcome {
  ready: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  stalled?: boolean;
}

export const stackRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: API_VERSION, kind: 'Stack', namespace, name });
