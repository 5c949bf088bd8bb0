/**
 * A port of kstatus (kubernetes-sigs/cli-utils pkg/kstatus/status): what state a live object is
 * in, from its own fields alone. Rules, their order and their messages follow the Go code so
 * that users who know Flux read the same words; deviations are marked "Governor:".
 */
import type { Obj } from '../types.ts';
import type { HealthResult } from './types.ts';
import { splitApiVersion } from '../objects.ts';
import { findCondition, getConditions, getField, getInt, getString, isRecord } from './fields.ts';
import type { Condition } from './fields.ts';

export type ComputeOptions = {
  /** The clock for the Pod scheduling grace period; tests pin it. */
  now?: Date;
};

/** How long a Pod may stay unscheduled before kstatus calls it unschedulable. */
const scheduleWindowMs = 15_000;

/** Go's math.MaxInt32: kstatus' sentinel for "progressDeadlineSeconds not set". */
const maxInt32 = 2147483647;

type Rule = (obj: Obj, options: ComputeOptions) => HealthResult;

const current = (message: string): HealthResult => ({ status: 'Current', message });
const inProgress = (message: string): HealthResult => ({ status: 'InProgress', message });
const failed = (message: string): HealthResult => ({ status: 'Failed', message });
const unknown = (message: string): HealthResult => ({ status: 'Unknown', message });

export function computeStatus(obj: Obj, options: ComputeOptions = {}): HealthResult {
  const generic = checkGenericProperties(obj);
  if (generic) return generic;

  const key = legacyKey(obj);
  // hasOwn: a kind such as `constructor` must not find Object.prototype's members.
  const rule = Object.hasOwn(legacyRules, key) ? legacyRules[key] : undefined;
  if (rule) return rule(obj, options);

  // Governor: kstatus stops here with Current. Many controllers only publish a positive-polarity
  // Ready condition; waiting for it is what users mean by "healthy". Ready=False stays
  // InProgress, not Failed, because most controllers also report it while still converging.
  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  const ready = findCondition(conditions, 'Ready');
  if (ready?.status === 'True') return current(ready.message || 'Resource is Ready');
  if (ready) return inProgress(conditionMessage(ready, `Ready condition is ${ready.status || 'not set'}`));

  return current('Resource is current');
}

function legacyKey(obj: Obj): string {
  const { group } = splitApiVersion(obj.apiVersion);
  return group === '' ? obj.kind : `${group}/${obj.kind}`;
}

/**
 * Properties most kinds share. When the object reports Reconciling or Stalled itself, that
 * decides, and the kind-specific rules are skipped.
 */
function checkGenericProperties(obj: Obj): HealthResult | undefined {
  const deletionTimestamp = getField(obj, '.metadata.deletionTimestamp');
  if (typeof deletionTimestamp === 'string' && deletionTimestamp !== '') {
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  }

  const generation = checkGeneration(obj);
  if (generation) return generation;

  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  for (const c of conditions) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(conditionMessage(c, 'Reconciling'));
    if (c.type === 'Stalled' && c.status === 'True') return failed(conditionMessage(c, 'Stalled'));
  }
  return undefined;
}

function checkGeneration(obj: Obj): HealthResult | undefined {
  const generation = getField(obj, '.metadata.generation');
  if (generation === undefined) return undefined;
  if (!isInteger(generation)) return unknown('metadata.generation is not an integer');
  const observed = getField(obj, '.status.observedGeneration');
  if (observed === undefined) return undefined;
  if (!isInteger(observed)) return unknown('status.observedGeneration is not an integer');
  if (observed !== generation) {
    return inProgress(`${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`);
  }
  return undefined;
}

/** Unlike checkGeneration, insists both are set: used where the controller always sets them. */
function checkGenerationSet(obj: Obj): HealthResult | undefined {
  if (!isInteger(getField(obj, '.metadata.generation'))) {
    return inProgress(`${obj.kind} metadata.generation not found`);
  }
  if (!isInteger(getField(obj, '.status.observedGeneration'))) {
    return inProgress(`${obj.kind} status.observedGeneration not found`);
  }
  return undefined;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Governor: kstatus passes an empty condition message through; an empty message helps no one. */
function conditionMessage(c: Condition, fallback: string): string {
  return c.message || c.reason || fallback;
}

const alwaysReady: Rule = () => current('Resource is always ready');

const statefulSet: Rule = (obj) => {
  // OnDelete means the user rolls pods by hand, so there is no rollout to wait for.
  if (getString(obj, '.spec.updateStrategy.type', '') === 'OnDelete') {
    return current('StatefulSet is using the ondelete update strategy');
  }
  const specReplicas = getInt(obj, '.spec.replicas', 1);
  const readyReplicas = getInt(obj, '.status.readyReplicas', 0);
  const currentReplicas = getInt(obj, '.status.currentReplicas', 0);
  const updatedReplicas = getInt(obj, '.status.updatedReplicas', 0);
  const statusReplicas = getInt(obj, '.status.replicas', 0);
  const partition = getInt(obj, '.spec.updateStrategy.rollingUpdate.partition', -1);

  if (specReplicas > statusReplicas) return inProgress(`Replicas: ${statusReplicas}/${specReplicas}`);
  if (specReplicas > readyReplicas) return inProgress(`Ready: ${readyReplicas}/${specReplicas}`);
  if (statusReplicas > specReplicas) return inProgress(`Pending termination: ${statusReplicas - specReplicas}`);

  if (partition !== -1) {
    if (updatedReplicas < specReplicas - partition) {
      return inProgress(`updated: ${updatedReplicas}/${specReplicas - partition}`);
    }
    return current(`Partition rollout complete. updated: ${updatedReplicas}`);
  }

  if (specReplicas > currentReplicas) return inProgress(`current: ${currentReplicas}/${specReplicas}`);

  if (getString(obj, '.status.currentRevision', '') !== getString(obj, '.status.updateRevision', '')) {
    return inProgress('Waiting for updated revision to match current');
  }
  return current(`All replicas scheduled as expected. Replicas: ${statusReplicas}`);
};

const deployment: Rule = (obj) => {
  // Without progressDeadlineSeconds the controller never sets Progressing, so it cannot be waited on.
  let progressing = getInt(obj, '.spec.progressDeadlineSeconds', maxInt32) === maxInt32;
  let available = false;

  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  for (const c of conditions) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return failed('Progress deadline exceeded');
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    } else if (c.type === 'Available') {
      if (c.status === 'True') available = true;
    }
  }

  const specReplicas = getInt(obj, '.spec.replicas', 1);
  const statusReplicas = getInt(obj, '.status.replicas', 0);
  const updatedReplicas = getInt(obj, '.status.updatedReplicas', 0);
  const readyReplicas = getInt(obj, '.status.readyReplicas', 0);
  const availableReplicas = getInt(obj, '.status.availableReplicas', 0);

  if (specReplicas > statusReplicas) return inProgress(`Replicas: ${statusReplicas}/${specReplicas}`);
  if (specReplicas > updatedReplicas) return inProgress(`Updated: ${updatedReplicas}/${specReplicas}`);
  if (statusReplicas > specReplicas) return inProgress(`Pending termination: ${statusReplicas - specReplicas}`);
  if (updatedReplicas > availableReplicas) return inProgress(`Available: ${availableReplicas}/${updatedReplicas}`);
  if (specReplicas > readyReplicas) return inProgress(`Ready: ${readyReplicas}/${specReplicas}`);

  if (!progressing) return inProgress('ReplicaSet not Available');
  if (!available) return inProgress('Deployment not Available');
  return current(`Deployment is available. Replicas: ${statusReplicas}`);
};

const replicaSet: Rule = (obj) => {
  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  if (findCondition(conditions, 'ReplicaFailure', 'True')) return inProgress('Replica Failure condition. Check Pods');

  const specReplicas = getInt(obj, '.spec.replicas', 1);
  const statusReplicas = getInt(obj, '.status.replicas', 0);
  const readyReplicas = getInt(obj, '.status.readyReplicas', 0);
  const availableReplicas = getInt(obj, '.status.availableReplicas', 0);
  const labelledReplicas = getInt(obj, '.status.fullyLabeledReplicas', 0);

  if (specReplicas > labelledReplicas) return inProgress(`Labelled: ${labelledReplicas}/${specReplicas}`);
  if (specReplicas > availableReplicas) return inProgress(`Available: ${availableReplicas}/${specReplicas}`);
  if (specReplicas > readyReplicas) return inProgress(`Ready: ${readyReplicas}/${specReplicas}`);
  if (statusReplicas > specReplicas) return inProgress(`Pending termination: ${statusReplicas - specReplicas}`);
  return current(`ReplicaSet is available. Replicas: ${statusReplicas}`);
};

const daemonSet: Rule = (obj) => {
  // The generic check tolerates unset generations; a DaemonSet the controller has seen always
  // has both, so their absence means it has not been seen yet.
  const generation = checkGenerationSet(obj);
  if (generation) return generation;

  const desired = getInt(obj, '.status.desiredNumberScheduled', -1);
  const currentScheduled = getInt(obj, '.status.currentNumberScheduled', 0);
  const updated = getInt(obj, '.status.updatedNumberScheduled', 0);
  const available = getInt(obj, '.status.numberAvailable', 0);
  const ready = getInt(obj, '.status.numberReady', 0);

  if (desired === -1) return inProgress('Missing .status.desiredNumberScheduled');
  if (desired > currentScheduled) return inProgress(`Current: ${currentScheduled}/${desired}`);
  if (desired > updated) return inProgress(`Updated: ${updated}/${desired}`);
  if (desired > available) return inProgress(`Available: ${available}/${desired}`);
  if (desired > ready) return inProgress(`Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
};

const persistentVolumeClaim: Rule = (obj) => {
  const phase = getString(obj, '.status.phase', 'unknown');
  if (phase !== 'Bound') return inProgress(`PVC is not Bound. phase: ${phase}`);
  return current('PVC is Bound');
};

const pod: Rule = (obj, options) => {
  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  const phase = getString(obj, '.status.phase', '');

  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      // kstatus treats a finished Pod as settled either way: there is nothing left to wait for.
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (findCondition(conditions, 'Ready', 'True')) return current('Pod is Ready');
      const crashLooping = crashLoopingContainers(obj);
      if (crashLooping.length > 0) return failed(`Containers in CrashLoop state: ${crashLooping.join(',')}`);
      return inProgress('Pod is running but is not Ready');
    }
    case 'Pending': {
      const scheduled = findCondition(conditions, 'PodScheduled', 'False');
      if (scheduled?.reason === 'Unschedulable') {
        const now = (options.now ?? new Date()).getTime();
        const created = Date.parse(getString(obj, '.metadata.creationTimestamp', ''));
        // The scheduler often needs a moment (a node scaling up); kstatus gives it 15 seconds.
        if (!Number.isNaN(created) && now - scheduleWindowMs < created) return inProgress('Pod has not been scheduled');
        return failed('Pod could not be scheduled');
      }
      return inProgress('Pod is in the Pending phase');
    }
    case '':
      return inProgress('Pod phase not available');
    default:
      return unknown(`unknown phase ${phase}`);
  }
};

function crashLoopingContainers(obj: Obj): string[] {
  const statuses = getField(obj, '.status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  const names: string[] = [];
  for (const cs of statuses) {
    const name = getField(cs, 'name');
    if (typeof name === 'string' && getField(cs, 'state.waiting.reason') === 'CrashLoopBackOff') names.push(name);
  }
  return names;
}

// The disruption controller sets no conditions; a PDB whose generation was observed is as done
// as kstatus can tell.
const podDisruptionBudget: Rule = () => current('AllowedDisruptions has been computed.');

const job: Rule = (obj) => {
  const parallelism = getInt(obj, '.spec.parallelism', 1);
  const completions = getInt(obj, '.spec.completions', parallelism);
  const succeeded = getInt(obj, '.status.succeeded', 0);
  const active = getInt(obj, '.status.active', 0);
  const failedPods = getInt(obj, '.status.failed', 0);
  const startTime = getString(obj, '.status.startTime', '');

  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  for (const c of conditions) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (c.type === 'Failed') return failed(`Job Failed. failed: ${failedPods}/${completions}`);
    if (c.type === 'Suspended') return current('Job is suspended');
  }

  if (startTime === '') return inProgress('Job not started');
  return current(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failedPods}`);
};

const service: Rule = (obj) => {
  if (getString(obj, '.spec.type', 'ClusterIP') === 'LoadBalancer') {
    if (getString(obj, '.spec.clusterIP', '') === '') return inProgress('ClusterIP not set. Service type: LoadBalancer');
    // Governor: kstatus stops at the cluster IP; a LoadBalancer Service is not reachable until
    // the load balancer has published an address.
    const ingress = getField(obj, '.status.loadBalancer.ingress');
    if (!Array.isArray(ingress) || !ingress.some((i) => isRecord(i) && (i['ip'] || i['hostname']))) {
      return inProgress('LoadBalancer ingress not assigned. Service type: LoadBalancer');
    }
  }
  return current('Service is ready');
};

const customResourceDefinition: Rule = (obj) => {
  const conditions = getConditions(obj);
  if (typeof conditions === 'string') return unknown(conditions);
  for (const c of conditions) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(conditionMessage(c, 'Names not accepted'));
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(conditionMessage(c, 'Not established'));
      if (c.status === 'True') return current('CRD is established');
    }
  }
  return inProgress('Install in progress');
};

/** Keyed by `group/Kind` (`Kind` for the core group), as kstatus' legacyTypes. */
const legacyRules: Readonly<Record<string, Rule>> = {
  Service: service,
  Pod: pod,
  Secret: alwaysReady,
  PersistentVolumeClaim: persistentVolumeClaim,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'extensions/DaemonSet': daemonSet,
  'apps/Deployment': deployment,
  'extensions/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'extensions/ReplicaSet': replicaSet,
  'policy/PodDisruptionBudget': podDisruptionBudget,
  'batch/CronJob': alwaysReady,
  ConfigMap: alwaysReady,
  'batch/Job': job,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinition,
};
