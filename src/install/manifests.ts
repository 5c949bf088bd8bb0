/**
 * Governor's installation as plain objects: what `governor install` applies, `install --export`
 * prints and `bootstrap` commits. The order is the order to apply them in.
 */
import { stringify } from 'yaml';
import { allCrds } from '../api/index.ts';
import type { KubeObject } from '../kube/types.ts';

export const DEFAULT_NAMESPACE = 'governor-system';
export const CONTROLLER_NAME = 'governor-controller';
/** Registry-less: users retag or mirror it into their registry. */
export const IMAGE_REPOSITORY = 'governor/controller';
/** The user the image runs as (distroless' "nonroot"). */
export const CONTROLLER_UID = 65532;

export interface InstallOptions {
  /** The controller image tag: Governor's version from package.json. */
  version: string;
  namespace?: string;
  /** Let the controller fetch file:// GitRepository URLs (off by default in a cluster). */
  allowFileUrls?: boolean;
}

export function commonLabels(version: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'governor',
    'app.kubernetes.io/part-of': 'governor',
    'app.kubernetes.io/version': version,
  };
}

/** The objects of one installation, in the order to apply them; delete in reverse. */
export function installManifests(opts: InstallOptions): KubeObject[] {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const labels = commonLabels(opts.version);
  const controllerLabels = { ...labels, 'app.kubernetes.io/component': 'controller' };
  const selector = { 'app.kubernetes.io/name': 'governor', 'app.kubernetes.io/component': 'controller' };
  const meta = (name: string, extra: Record<string, string> = labels) => ({ name, namespace, labels: { ...extra } });
  const clusterMeta = (name: string) => ({ name, labels: { ...labels } });

  const args = [
    'controller',
    '--leader-elect',
    '--leader-election-namespace',
    namespace,
    '--metrics-addr',
    ':8080',
    '--health-addr',
    ':8081',
    '--webhook-addr',
    ':9292',
    '--dashboard-addr',
    ':9090',
    '--cache-dir',
    '/var/cache/governor',
    ...(opts.allowFileUrls ? ['--allow-file-urls'] : []),
  ];

  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: clusterMeta(namespace) },
    ...allCrds().map((crd) => structuredClone(crd) as unknown as KubeObject),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(CONTROLLER_NAME, controllerLabels) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clusterMeta(CONTROLLER_NAME),
      rules: [
        // What the controller itself needs, spelled out so it stays documented ...
        { apiGroups: ['governor.dev'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['governor.dev'], resources: ['*/status', '*/finalizers'], verbs: ['get', 'update', 'patch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
        // ... and everything, because a Stack applies and prunes arbitrary manifests: any kind, any
        // namespace, cluster-scoped objects included. Flux's kustomize-controller is bound to
        // cluster-admin for the same reason. Stacks that should have less set
        // spec.serviceAccountName, and the controller then acts as that ServiceAccount.
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      ],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clusterMeta(CONTROLLER_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace }],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`${CONTROLLER_NAME}-leader-election`),
      // Leader election: one Lease in the installation's namespace.
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${CONTROLLER_NAME}-leader-election`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${CONTROLLER_NAME}-leader-election` },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace }],
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(CONTROLLER_NAME, controllerLabels),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' }],
      },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      // Its own Service, so an Ingress can expose the webhooks without exposing /metrics.
      metadata: meta('webhook-receiver', controllerLabels),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 80, targetPort: 'http-webhook', protocol: 'TCP' }],
      },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      // Reach it with `kubectl port-forward svc/governor-dashboard 9090:80`; users sign in with a token.
      metadata: meta('governor-dashboard', controllerLabels),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 80, targetPort: 'http-dashboard', protocol: 'TCP' }],
      },
    } as KubeObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(CONTROLLER_NAME, controllerLabels),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...controllerLabels } },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            terminationGracePeriodSeconds: 30,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: CONTROLLER_UID,
              runAsGroup: CONTROLLER_UID,
              fsGroup: CONTROLLER_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'controller',
                image: `${IMAGE_REPOSITORY}:${opts.version}`,
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [
                  { name: 'TMPDIR', value: '/tmp' },
                  { name: 'HOME', value: '/tmp' },
                ],
                ports: [
                  { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
                  { name: 'healthz', containerPort: 8081, protocol: 'TCP' },
                  { name: 'http-webhook', containerPort: 9292, protocol: 'TCP' },
                  { name: 'http-dashboard', containerPort: 9090, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' }, initialDelaySeconds: 10, periodSeconds: 20 },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { memory: '1Gi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'cache', mountPath: '/var/cache/governor' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'cache', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    } as KubeObject,
  ];
  return objects;
}

/** Multi-document YAML, quoted as YAML 1.1 so kubectl-like readers see strings as strings. */
export function toYaml(objects: readonly unknown[], header?: string): string {
  const body = objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0 })).join('---\n');
  return header ? `${header.trimEnd()}\n${body}` : body;
}
