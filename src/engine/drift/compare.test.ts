/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are API objects edited freely, as kubectl edit would */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kube/types.ts';
import {
  compileIgnore,
  describeDrift,
  driftPaths,
  hasDrift,
  ignoredFor,
  parseLabelSelector,
  pathToPointer,
  pointerToPath,
} from './compare.ts';

const stackLabels = { 'governor.dev/stack-name': 'shop', 'governor.dev/stack-namespace': 'governor-system' };

/** A Deployment as written in Git, plus our labels. */
function renderedDeployment(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', ...stackLabels }, annotations: { 'example.com/owner': 'team-a' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 80 }],
              env: [{ name: 'MODE', value: 'prod' }, { name: 'LEVEL', value: 'info' }],
              resources: { limits: { cpu: 0.5, memory: '128Mi' } },
              volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
            },
          ],
          volumes: [{ name: 'cache', emptyDir: {} }],
        },
      },
      ...spec,
    },
  };
}

/** The API server's answer to applying `rendered`: defaults filled in, quantities normalised. */
function appliedDeployment(rendered: KubeObject): KubeObject {
  const obj = structuredClone(rendered) as KubeObject & { spec: Record<string, any> };
  obj.metadata = {
    ...obj.metadata,
    uid: '7d4c9a1e-0000-4000-8000-000000000001',
    resourceVersion: '1001',
    generation: 1,
    creationTimestamp: '2025-01-01T00:00:00Z',
    managedFields: [{ manager: 'governor', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' }],
  };
  obj.spec.replicas ??= 1;
  obj.spec.revisionHistoryLimit = 10;
  obj.spec.progressDeadlineSeconds = 600;
  obj.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const pod = obj.spec.template.spec;
  pod.restartPolicy = 'Always';
  pod.dnsPolicy = 'ClusterFirst';
  pod.schedulerName = 'default-scheduler';
  pod.securityContext = {};
  pod.terminationGracePeriodSeconds = 30;
  for (const c of pod.containers) {
    c.imagePullPolicy = 'IfNotPresent';
    c.terminationMessagePath = '/dev/termination-log';
    c.terminationMessagePolicy = 'File';
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    if (c.resources?.limits?.cpu === 0.5) c.resources.limits.cpu = '500m';
  }
  obj.status = { observedGeneration: 1, replicas: 1, readyReplicas: 1 };
  return obj;
}

/** The live object: the applied one after the cluster moved on (new resourceVersion, status). */
function liveFrom(applied: KubeObject, edit?: (o: any) => void): KubeObject {
  const obj = structuredClone(applied) as any;
  obj.metadata.resourceVersion = '2002';
  obj.status = { observedGeneration: 1, replicas: 1, readyReplicas: 0 };
  edit?.(obj);
  return obj as KubeObject;
}

function deploymentCase(edit: (o: any) => void, spec?: Record<string, unknown>): string[] {
  const rendered = renderedDeployment(spec);
  const applied = appliedDeployment(rendered);
  return driftPaths(rendered, applied, liveFrom(applied, edit));
}

function configMap(data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels: { ...stackLabels } }, data };
}

describe('driftPaths: Deployments', () => {
  it('finds nothing when only the server moved on (resourceVersion, status)', () => {
    assert.deepEqual(deploymentCase(() => {}), []);
  });

  it('reports an edited container image by its kubectl path', () => {
    const paths = deploymentCase((o) => (o.spec.template.spec.containers[0].image = 'nginx:evil'));
    assert.deepEqual(paths, ['spec.template.spec.containers[0].image']);
  });

  it('reports a scale when replicas is in Git', () => {
    assert.deepEqual(deploymentCase((o) => (o.spec.replicas = 5), { replicas: 2 }), ['spec.replicas']);
  });

  it('leaves a scale alone when replicas is absent from Git (an HPA owns it)', () => {
    assert.deepEqual(deploymentCase((o) => (o.spec.replicas = 7)), []);
  });

  it('ignores an injected sidecar, and indexes by the live list once one is there', () => {
    const sidecar = { name: 'istio-proxy', image: 'istio/proxyv2:1.22', imagePullPolicy: 'IfNotPresent' };
    assert.deepEqual(deploymentCase((o) => o.spec.template.spec.containers.unshift(sidecar)), []);
    assert.deepEqual(
      deploymentCase((o) => {
        o.spec.template.spec.containers.unshift(sidecar);
        o.spec.template.spec.containers[1].image = 'nginx:evil';
      }),
      ['spec.template.spec.containers[1].image'],
    );
    assert.deepEqual(
      deploymentCase((o) => o.spec.template.spec.volumes.push({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } })),
      [],
    );
  });

  it('ignores changes to fields the API server defaulted', () => {
    const paths = deploymentCase((o) => {
      const c = o.spec.template.spec.containers[0];
      c.imagePullPolicy = 'Always';
      c.terminationMessagePath = '/tmp/log';
      o.spec.revisionHistoryLimit = 3;
      o.spec.template.spec.dnsPolicy = 'Default';
    });
    assert.deepEqual(paths, []);
  });

  it('never reports metadata the server writes, nor status', () => {
    const paths = deploymentCase((o) => {
      o.metadata.generation = 9;
      o.metadata.managedFields = [];
      o.metadata.uid = 'other';
      o.metadata.creationTimestamp = '2030-01-01T00:00:00Z';
      o.status = { replicas: 0 };
    });
    assert.deepEqual(paths, []);
  });

  it('compares normalised quantities with what the server returned, not with Git', () => {
    assert.deepEqual(deploymentCase(() => {}), []); // cpu: 0.5 in Git, "500m" applied and live
    assert.deepEqual(
      deploymentCase((o) => (o.spec.template.spec.containers[0].resources.limits.cpu = '1')),
      ['spec.template.spec.containers[0].resources.limits.cpu'],
    );
  });

  it('ignores labels and annotations added by hand, reports Git ones changed or removed', () => {
    assert.deepEqual(
      deploymentCase((o) => {
        o.metadata.labels.team = 'x';
        o.metadata.annotations['deployment.kubernetes.io/revision'] = '2';
      }),
      [],
    );
    assert.deepEqual(
      deploymentCase((o) => {
        o.metadata.labels.app = 'other';
        delete o.metadata.annotations['example.com/owner'];
      }),
      ["metadata.annotations['example.com/owner']", 'metadata.labels.app'],
    );
    assert.deepEqual(deploymentCase((o) => delete o.metadata.annotations), ['metadata.annotations']);
  });

  it('matches env, ports and volume mounts by merge key, and reports a removed item at its path', () => {
    assert.deepEqual(
      deploymentCase((o) => {
        const c = o.spec.template.spec.containers[0];
        c.env.reverse(); // same items, new order: env is matched by name
        c.env.unshift({ name: 'INJECTED', value: '1' });
        c.env.find((e: { name: string }) => e.name === 'MODE').value = 'debug';
        c.volumeMounts.unshift({ name: 'token', mountPath: '/var/run/secrets' });
        c.volumeMounts[1].readOnly = true; // not set by Git
        c.ports.push({ containerPort: 9090, protocol: 'TCP' });
      }),
      ['spec.template.spec.containers[0].env[2].value'],
    );
    assert.deepEqual(
      deploymentCase((o) => {
        const c = o.spec.template.spec.containers[0];
        c.env = c.env.filter((e: { name: string }) => e.name !== 'LEVEL');
        c.ports[0].containerPort = 8080;
      }),
      ['spec.template.spec.containers[0].env[1]', 'spec.template.spec.containers[0].ports[0]'],
    );
  });

  it('reports a list of scalars as a whole', () => {
    const paths = deploymentCase((o) => (o.spec.template.spec.containers[0].args = ['--debug']));
    assert.deepEqual(paths, []); // no args in Git: not ours
    const rendered = renderedDeployment();
    (rendered.spec as any).template.spec.containers[0].args = ['--port', '80'];
    const applied = appliedDeployment(rendered);
    const live = liveFrom(applied, (o) => o.spec.template.spec.containers[0].args.push('--debug'));
    assert.deepEqual(driftPaths(rendered, applied, live), ['spec.template.spec.containers[0].args']);
  });
});

describe('driftPaths: ConfigMaps, Services and Secrets', () => {
  it('reports a changed and a removed data key, not a key added by hand', () => {
    const rendered = configMap({ a: '1', b: '2', 'app.properties': 'x=1' });
    const applied = structuredClone(rendered);
    const live = structuredClone(applied) as any;
    live.data.a = 'changed';
    delete live.data.b;
    live.data.extra = 'by hand';
    assert.deepEqual(driftPaths(rendered, applied, live), ['data.a', 'data.b']);
    live.data['app.properties'] = 'x=2';
    assert.deepEqual(driftPaths(rendered, applied, live), ['data.a', 'data.b', "data['app.properties']"]);
    delete live.data;
    assert.deepEqual(driftPaths(rendered, applied, live), ['data']);
  });

  it('matches Service ports by port and protocol when they have no name', () => {
    const rendered: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns', namespace: 'shop' },
      spec: { selector: { app: 'dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] },
    };
    const applied = structuredClone(rendered) as any;
    applied.spec.ports = [
      { port: 53, protocol: 'UDP', targetPort: 53 },
      { port: 53, protocol: 'TCP', targetPort: 53 },
    ];
    applied.spec.clusterIP = '10.0.0.10';
    const live = structuredClone(applied);
    live.spec.ports.reverse();
    live.spec.ports[0].targetPort = 5353; // TCP, not in Git
    assert.deepEqual(driftPaths(rendered, applied, live), []);
    live.spec.ports.pop(); // UDP gone
    assert.deepEqual(driftPaths(rendered, applied, live), ['spec.ports[0]']);
  });

  it('reports a Secret change by path only, stringData as data', () => {
    const rendered: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      type: 'Opaque',
      data: { password: 'aHVudGVyMg==' },
      stringData: { user: 'admin' },
    };
    const applied = { ...structuredClone(rendered), data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' } } as any;
    delete applied.stringData;
    const live = structuredClone(applied);
    live.data.password = 'c3dvcmRmaXNo';
    live.data.user = 'cm9vdA==';
    const paths = driftPaths(rendered, applied, live);
    assert.deepEqual(paths, ['data.password', 'data.user']);
    const message = describeDrift('Secret', paths);
    assert.equal(message, 'data.password, data.user');
    for (const secret of ['aHVudGVyMg==', 'c3dvcmRmaXNo', 'cm9vdA==', 'admin', 'root', 'hunter2']) {
      assert.ok(!message.includes(secret) && !paths.join().includes(secret));
    }
  });
});

describe('ignore rules', () => {
  it('drops paths under or equal to an ignored pointer, with index and ~1 escapes', () => {
    const ignore = compileIgnore([
      { paths: ['/spec/replicas', '/spec/template/spec/containers/0/image', '/metadata/annotations/example.com~1owner'] },
    ]);
    const rendered = renderedDeployment({ replicas: 2 });
    const applied = appliedDeployment(rendered);
    const live = liveFrom(applied, (o) => {
      o.spec.replicas = 5;
      o.spec.template.spec.containers[0].image = 'nginx:other';
      o.metadata.annotations['example.com/owner'] = 'team-b';
      o.spec.template.spec.containers[0].resources.limits.memory = '1Gi';
    });
    assert.deepEqual(driftPaths(rendered, applied, live, { ignore }), ['spec.template.spec.containers[0].resources.limits.memory']);
    const whole = compileIgnore([{ paths: ['/spec/template'] }]);
    assert.deepEqual(driftPaths(rendered, applied, live, { ignore: whole }), ["metadata.annotations['example.com/owner']", 'spec.replicas']);
  });

  it('applies a rule only to the objects its target matches', () => {
    const rendered = renderedDeployment({ replicas: 2 });
    const applied = appliedDeployment(rendered);
    const live = liveFrom(applied, (o) => (o.spec.replicas = 5));
    const cases: [Record<string, string>, boolean][] = [
      [{ kind: 'Deployment' }, true],
      [{ kind: 'StatefulSet' }, false],
      [{ kind: 'Deployment', name: 'we*' }, true],
      [{ name: 'api-*' }, false],
      [{ namespace: 'shop' }, true],
      [{ namespace: 'other' }, false],
      [{ labelSelector: 'app=web,governor.dev/stack-name' }, true],
      [{ labelSelector: 'app in (api, web),!canary,tier!=db' }, true],
      [{ labelSelector: 'app notin (web)' }, false],
      [{ kind: 'Deployment', labelSelector: 'app=api' }, false],
    ];
    for (const [target, ignored] of cases) {
      const ignore = compileIgnore([{ paths: ['/spec/replicas'], target }]);
      assert.deepEqual(ignoredFor(ignore, rendered), ignored ? ['/spec/replicas'] : [], JSON.stringify(target));
      assert.deepEqual(driftPaths(rendered, applied, live, { ignore }), ignored ? [] : ['spec.replicas'], JSON.stringify(target));
    }
  });

  it('refuses a selector it cannot parse', () => {
    assert.throws(() => compileIgnore([{ paths: ['/spec'], target: { labelSelector: 'app in (web' } }]), /label selector/);
    assert.throws(() => parseLabelSelector('a=b,,c'), /empty requirement/);
    assert.deepEqual(parseLabelSelector('a==b, c'), [
      { key: 'a', op: '=', values: ['b'] },
      { key: 'c', op: 'exists', values: [] },
    ]);
  });
});

describe('limits and helpers', () => {
  it('stops at the limit (20 by default)', () => {
    const data = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']));
    const rendered = configMap(data);
    const live = configMap(Object.fromEntries(Object.keys(data).map((k) => [k, 'changed'])));
    assert.equal(driftPaths(rendered, rendered, live).length, 20);
    assert.equal(driftPaths(rendered, rendered, live, { limit: 3 }).length, 3);
    assert.equal(hasDrift(rendered, rendered, live), true);
    assert.equal(hasDrift(rendered, rendered, rendered), false);
    assert.match(describeDrift('ConfigMap', driftPaths(rendered, rendered, live, { limit: 3 }), 3), /and maybe more/);
  });

  it('converts between JSON pointers and kubectl paths', () => {
    const pairs: [string, string][] = [
      ['/spec/template/spec/containers/0/image', 'spec.template.spec.containers[0].image'],
      ['/metadata/annotations/example.com~1x', "metadata.annotations['example.com/x']"],
      ['/data/a~0b', "data['a~b']"],
      ['/metadata/labels/app', 'metadata.labels.app'],
    ];
    for (const [pointer, path] of pairs) {
      assert.equal(pointerToPath(pointer), path);
      assert.equal(pathToPointer(path), pointer);
    }
    assert.equal(pathToPointer("data['it\\'s']"), "/data/it's");
  });
});
