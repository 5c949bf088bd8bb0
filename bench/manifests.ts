/**
 * The generated objects of the benchmarks. The same function builds what is committed to Git
 * (for Governor) and what the baseline client applies (into another namespace), so both write
 * exactly the same objects.
 *
 * Services are headless (`clusterIP: None`): the local cluster's service range is a /24, far
 * fewer addresses than the thousands of Services these workloads create.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../src/kube/types.ts';

const REV_ANNOTATION = 'bench.governor.dev/rev';
const IMAGE = 'registry.k8s.io/pause:3.10';

const meta = (name: string, namespace: string, rev: number, labels: Record<string, string> = {}) => ({
  name,
  namespace,
  labels: { 'app.kubernetes.io/part-of': 'governor-bench', ...labels },
  annotations: { [REV_ANNOTATION]: String(rev) },
});

const configMap = (name: string, namespace: string, rev: number, app: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, namespace, rev, { app }), data: { app, 'settings.yaml': `name: ${name}\nlevel: info\n` } }) as KubeObject;

const service = (name: string, namespace: string, rev: number, app: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace, rev, { app }),
    spec: { clusterIP: 'None', selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }) as KubeObject;

const deployment = (name: string, namespace: string, rev: number, app: string, serviceAccountName?: string): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace, rev, { app }),
    spec: {
      replicas: 0,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          ...(serviceAccountName ? { serviceAccountName } : {}),
          containers: [{ name: 'app', image: IMAGE, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  }) as KubeObject;

/** Workload 1: one app, its own Stack: a Deployment (replicas 0), a ServiceAccount, a Service, a ConfigMap. */
export function appObjects(namespace: string, i: number): KubeObject[] {
  const app = `app-${i}`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(app, namespace, 1, { app }) } as KubeObject,
    configMap(`${app}-config`, namespace, 1, app),
    service(app, namespace, 1, app),
    deployment(app, namespace, 1, app, app),
  ];
}

/** Objects of the big Stack that the 1% change touches (every hundredth). */
export const changedIn = (j: number): boolean => j % 100 === 0;

/** Workload 2: object j of the one big Stack; half ConfigMaps, a quarter each Services and Deployments. */
export function bigObject(namespace: string, j: number, rev: number): KubeObject {
  const name = `obj-${j}`;
  switch (j % 4) {
    case 2:
      return service(name, namespace, rev, name);
    case 3:
      return deployment(name, namespace, rev, name);
    default:
      return configMap(name, namespace, rev, name);
  }
}

/** The objects as one multi-document YAML file. */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}
