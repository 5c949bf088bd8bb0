import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStatus } from './kstatus.ts';
import type { Obj } from '../types.ts';
import type { HealthResult } from './types.ts';

function deployment(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', generation, uid: 'c0ffee' },
    spec: { replicas: 3, progressDeadlineSeconds: 600, selector: { matchLabels: { app: 'web' } }, ...spec },
    status: { observedGeneration: generation, ...status },
  };
}

const deploymentAvailable = {
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
  conditions: [
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d4b9c" has successfully progressed.' },
  ],
};

function pod(status: Record<string, unknown>, creationTimestamp = '2025-03-01T12:00:00Z'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d4b9c-x2x9z', namespace: 'shop', creationTimestamp },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    status,
  };
}

const cases: { name: string; obj: Obj; now?: string; want: HealthResult }[] = [
  {
    name: 'Deployment available',
    obj: deployment({}, deploymentAvailable),
    want: { status: 'Current', message: 'Deployment is available. Replicas: 3' },
  },
  {
    name: 'Deployment progressing: too few available',
    obj: deployment(
      {},
      {
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-7d4b9c" is progressing.' },
        ],
      },
    ),
    want: { status: 'InProgress', message: 'Available: 1/3' },
  },
  {
    name: 'Deployment progressing: replicas not yet created',
    obj: deployment({}, { replicas: 1, updatedReplicas: 1 }),
    want: { status: 'InProgress', message: 'Replicas: 1/3' },
  },
  {
    name: 'Deployment progressing: old replicas terminating',
    obj: deployment({}, { ...deploymentAvailable, replicas: 4 }),
    want: { status: 'InProgress', message: 'Pending termination: 1' },
  },
  {
    name: 'Deployment all replicas but rollout not confirmed by Progressing',
    obj: deployment({}, { ...deploymentAvailable, conditions: [deploymentAvailable.conditions[0]] }),
    want: { status: 'InProgress', message: 'ReplicaSet not Available' },
  },
  {
    name: 'Deployment without progressDeadlineSeconds needs no Progressing condition',
    obj: deployment({ progressDeadlineSeconds: undefined }, { ...deploymentAvailable, conditions: [deploymentAvailable.conditions[0]] }),
    want: { status: 'Current', message: 'Deployment is available. Replicas: 3' },
  },
  {
    name: 'Deployment failed: ProgressDeadlineExceeded',
    obj: deployment(
      {},
      {
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7d4b9c" has timed out progressing.' },
        ],
      },
    ),
    want: { status: 'Failed', message: 'Progress deadline exceeded' },
  },
  {
    name: 'Deployment generation not observed',
    obj: { ...deployment({}, deploymentAvailable, 3), status: { ...deploymentAvailable, observedGeneration: 2 } },
    want: { status: 'InProgress', message: 'Deployment generation is 3, but latest observed generation is 2' },
  },
  {
    name: 'StatefulSet partial rollout with partition',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', generation: 4 },
      spec: { replicas: 3, serviceName: 'db', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      status: {
        observedGeneration: 4,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 2,
        updatedReplicas: 1,
        currentRevision: 'db-5c8f',
        updateRevision: 'db-6d9a',
      },
    },
    want: { status: 'InProgress', message: 'updated: 1/2' },
  },
  {
    name: 'StatefulSet revision mismatch',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', generation: 4 },
      spec: { replicas: 3, serviceName: 'db' },
      status: { observedGeneration: 4, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 1, currentRevision: 'db-5c8f', updateRevision: 'db-6d9a' },
    },
    want: { status: 'InProgress', message: 'Waiting for updated revision to match current' },
  },
  {
    name: 'StatefulSet rolled out',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', generation: 4 },
      spec: { replicas: 3, serviceName: 'db' },
      status: { observedGeneration: 4, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-6d9a', updateRevision: 'db-6d9a' },
    },
    want: { status: 'Current', message: 'All replicas scheduled as expected. Replicas: 3' },
  },
  {
    name: 'StatefulSet not enough ready',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', generation: 1 },
      spec: { replicas: 3, serviceName: 'db' },
      status: { observedGeneration: 1, replicas: 3, readyReplicas: 1, currentReplicas: 3 },
    },
    want: { status: 'InProgress', message: 'Ready: 1/3' },
  },
  {
    name: 'DaemonSet rolling out',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter', namespace: 'monitoring', generation: 2 },
      spec: { selector: { matchLabels: { app: 'node-exporter' } } },
      status: { observedGeneration: 2, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3, numberReady: 3 },
    },
    want: { status: 'InProgress', message: 'Updated: 2/3' },
  },
  {
    name: 'DaemonSet ready',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter', namespace: 'monitoring', generation: 2 },
      spec: {},
      status: { observedGeneration: 2, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberReady: 3 },
    },
    want: { status: 'Current', message: 'All replicas scheduled as expected. Replicas: 3' },
  },
  {
    name: 'DaemonSet not yet seen by its controller',
    obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-exporter', namespace: 'monitoring', generation: 1 }, spec: {} },
    want: { status: 'InProgress', message: 'DaemonSet status.observedGeneration not found' },
  },
  {
    name: 'ReplicaSet available',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-7d4b9c', namespace: 'shop', generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    want: { status: 'Current', message: 'ReplicaSet is available. Replicas: 2' },
  },
  {
    name: 'Job complete',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', generation: 1 },
      spec: { completions: 1, parallelism: 1, backoffLimit: 6 },
      status: {
        startTime: '2025-03-01T12:00:00Z',
        completionTime: '2025-03-01T12:00:09Z',
        succeeded: 1,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        ],
      },
    },
    want: { status: 'Current', message: 'Job Completed. succeeded: 1/1' },
  },
  {
    name: 'Job failed',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', generation: 1 },
      spec: { backoffLimit: 2 },
      status: {
        startTime: '2025-03-01T12:00:00Z',
        failed: 3,
        conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
      },
    },
    want: { status: 'Failed', message: 'Job Failed. failed: 3/1' },
  },
  {
    name: 'Job not started',
    obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop', generation: 1 }, spec: {}, status: {} },
    want: { status: 'InProgress', message: 'Job not started' },
  },
  {
    name: 'Pod running and ready',
    obj: pod({
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2025-03-01T12:00:03Z' } } }],
    }),
    want: { status: 'Current', message: 'Pod is Ready' },
  },
  {
    name: 'Pod succeeded',
    obj: pod({ phase: 'Succeeded' }),
    want: { status: 'Current', message: 'Pod has completed successfully' },
  },
  {
    name: 'Pod failed is settled, as kstatus has it',
    obj: pod({ phase: 'Failed', reason: 'Evicted' }),
    want: { status: 'Current', message: 'Pod has completed, but not successfully' },
  },
  {
    name: 'Pod crash-looping',
    obj: pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } } },
        { name: 'sidecar', ready: true, restartCount: 0, state: { running: {} } },
      ],
    }),
    want: { status: 'Failed', message: 'Containers in CrashLoop state: app' },
  },
  {
    name: 'Pod running, not ready',
    obj: pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', state: { running: {} } }] }),
    want: { status: 'InProgress', message: 'Pod is running but is not Ready' },
  },
  {
    name: 'Pod pending',
    obj: pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }),
    want: { status: 'InProgress', message: 'Pod is in the Pending phase' },
  },
  {
    name: 'Pod unschedulable within the grace period',
    obj: pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }),
    now: '2025-03-01T12:00:10Z',
    want: { status: 'InProgress', message: 'Pod has not been scheduled' },
  },
  {
    name: 'Pod unschedulable after the grace period',
    obj: pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }),
    now: '2025-03-01T12:01:00Z',
    want: { status: 'Failed', message: 'Pod could not be scheduled' },
  },
  {
    name: 'Pod with an unknown phase',
    obj: pod({ phase: 'Exploded' }),
    want: { status: 'Unknown', message: 'unknown phase Exploded' },
  },
  {
    name: 'PVC bound',
    obj: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound', capacity: { storage: '1Gi' } },
    },
    want: { status: 'Current', message: 'PVC is Bound' },
  },
  {
    name: 'PVC pending',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: {}, status: { phase: 'Pending' } },
    want: { status: 'InProgress', message: 'PVC is not Bound. phase: Pending' },
  },
  {
    name: 'Service ClusterIP',
    obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.12' }, status: { loadBalancer: {} } },
    want: { status: 'Current', message: 'Service is ready' },
  },
  {
    name: 'Service LoadBalancer without ingress',
    obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.12' }, status: { loadBalancer: {} } },
    want: { status: 'InProgress', message: 'LoadBalancer ingress not assigned. Service type: LoadBalancer' },
  },
  {
    name: 'Service LoadBalancer with ingress',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.12' },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7', ipMode: 'VIP' }] } },
    },
    want: { status: 'Current', message: 'Service is ready' },
  },
  {
    name: 'CRD established',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', generation: 1 },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' },
      status: {
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
      },
    },
    want: { status: 'Current', message: 'CRD is established' },
  },
  {
    name: 'CRD installing',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', generation: 1 },
      spec: {},
      status: { conditions: [{ type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have not been accepted' }] },
    },
    want: { status: 'InProgress', message: 'Install in progress' },
  },
  {
    name: 'CRD names rejected',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', generation: 1 },
      spec: {},
      status: { conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict', message: '"WidgetList" is already in use' }] },
    },
    want: { status: 'Failed', message: '"WidgetList" is already in use' },
  },
  {
    name: 'PodDisruptionBudget observed',
    obj: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop', generation: 1 },
      spec: { minAvailable: 1 },
      status: { observedGeneration: 1, currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2, expectedPods: 3 },
    },
    want: { status: 'Current', message: 'AllowedDisruptions has been computed.' },
  },
  {
    name: 'ConfigMap is always ready',
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } },
    want: { status: 'Current', message: 'Resource is always ready' },
  },
  {
    name: 'custom resource with Ready=False',
    obj: {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web-tls', namespace: 'shop', generation: 1 },
      spec: { secretName: 'web-tls' },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', observedGeneration: 1 }] },
    },
    want: { status: 'InProgress', message: 'Issuing certificate as Secret does not exist' },
  },
  {
    name: 'custom resource with Ready=True',
    obj: {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web-tls', namespace: 'shop', generation: 1 },
      spec: {},
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }] },
    },
    want: { status: 'Current', message: 'Certificate is up to date and has not expired' },
  },
  {
    name: 'custom resource without conditions',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop', generation: 1 }, spec: {} },
    want: { status: 'Current', message: 'Resource is current' },
  },
  {
    name: 'Stalled=True wins over kind rules',
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', generation: 5 },
      spec: {},
      status: {
        observedGeneration: 5,
        conditions: [
          { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed: missing resource' },
          { type: 'Stalled', status: 'True', reason: 'BuildFailed', message: 'kustomize build failed: missing resource' },
        ],
      },
    },
    want: { status: 'Failed', message: 'kustomize build failed: missing resource' },
  },
  {
    name: 'Reconciling=True',
    obj: {
      apiVersion: 'governor.dev/v1alpha1',
      kind: 'Stack',
      metadata: { name: 'apps', namespace: 'governor-system', generation: 2 },
      spec: {},
      status: { observedGeneration: 2, conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'applying revision main@sha1:0a1b2c' }] },
    },
    want: { status: 'InProgress', message: 'applying revision main@sha1:0a1b2c' },
  },
  {
    name: 'Terminating',
    obj: { ...deployment({}, deploymentAvailable), metadata: { name: 'web', namespace: 'shop', generation: 2, deletionTimestamp: '2025-03-01T12:00:00Z', finalizers: ['foregroundDeletion'] } },
    want: { status: 'Terminating', message: 'Resource scheduled for deletion' },
  },
  {
    name: 'malformed conditions are Unknown, not a crash',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, status: { conditions: 'Ready' } },
    want: { status: 'Unknown', message: 'status.conditions is not a list' },
  },
];

for (const c of cases) {
  test(`kstatus: ${c.name}`, () => {
    const options = c.now ? { now: new Date(c.now) } : {};
    assert.deepEqual(computeStatus(c.obj, options), c.want);
  });
}
