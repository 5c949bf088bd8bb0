import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectHealth, summarize } from './index.ts';
import type { ObjectHealth } from './index.ts';
import type { Obj } from '../types.ts';

const web = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };
const db = { group: 'apps', kind: 'StatefulSet', namespace: 'shop', name: 'db' };
const crd = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', namespace: '', name: 'widgets.example.com' };
const job = { group: 'batch', kind: 'Job', namespace: 'shop', name: 'migrate' };

test('summary: all Current is healthy', () => {
  const got = summarize([
    { ref: web, status: 'Current', message: 'Deployment is available. Replicas: 3' },
    { ref: crd, status: 'Current', message: 'CRD is established' },
  ]);
  assert.deepEqual(got, { status: 'Healthy', message: 'All 2 objects are healthy', failed: [], notCurrent: [] });
  assert.equal(summarize([]).status, 'Healthy');
});

test('summary: any Failed fails, naming each failing object and why', () => {
  const results: ObjectHealth[] = [
    { ref: web, status: 'Failed', message: 'Progress deadline exceeded' },
    { ref: db, status: 'InProgress', message: 'Ready: 1/3' },
    { ref: job, status: 'Failed', message: 'Job Failed. failed: 3/1' },
  ];
  const got = summarize(results);
  assert.equal(got.status, 'Failed');
  assert.equal(got.message, 'Health check failed for 2 objects: Deployment/shop/web: Progress deadline exceeded; Job/shop/migrate: Job Failed. failed: 3/1');
  assert.equal(got.failed.length, 2);
  assert.equal(got.notCurrent.length, 3);
});

test('summary: otherwise in progress, naming what is not yet Current', () => {
  const got = summarize([
    { ref: web, status: 'Current', message: 'Deployment is available. Replicas: 3' },
    { ref: db, status: 'InProgress', message: 'Ready: 1/3' },
    { ref: crd, status: 'NotFound', message: 'Resource not found' },
    { ref: job, status: 'Terminating', message: 'Resource scheduled for deletion' },
  ]);
  assert.equal(got.status, 'InProgress');
  assert.equal(
    got.message,
    'Waiting for 3 objects: StatefulSet/shop/db: Ready: 1/3; CustomResourceDefinition/widgets.example.com: NotFound: Resource not found; ' +
      'Job/shop/migrate: Terminating: Resource scheduled for deletion',
  );
});

test('summary: long lists are cut and counted', () => {
  const results: ObjectHealth[] = Array.from({ length: 25 }, (_, i) => ({
    ref: { ...web, name: `web-${i}` },
    status: 'InProgress' as const,
    message: 'Available: 0/1',
  }));
  const got = summarize(results);
  assert.match(got.message, /^Waiting for 25 objects: Deployment\/shop\/web-0: Available: 0\/1; /);
  assert.match(got.message, /Deployment\/shop\/web-9: Available: 0\/1; and 15 more$/);
  assert.doesNotMatch(got.message, /web-10/);
});

test('objectHealth: CEL for kinds with an expression, kstatus otherwise, NotFound for nothing', () => {
  const widget: Obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'shop' },
    status: { phase: 'Ready' },
  };
  const exprs = [{ apiVersion: 'example.com/v1', kind: 'Widget', current: "status.phase == 'Ready'", failed: "status.phase == 'Broken'" }];
  assert.equal(objectHealth(widget, exprs).status, 'Current');
  assert.equal(objectHealth({ ...widget, status: { phase: 'Broken' } }, exprs).status, 'Failed');
  assert.equal(objectHealth({ ...widget, status: { phase: 'Starting' } }, exprs).status, 'InProgress');
  // Without an expression kstatus finds no conditions on it and calls it current.
  assert.deepEqual(objectHealth({ ...widget, status: { phase: 'Starting' } }), { status: 'Current', message: 'Resource is current' });
  assert.deepEqual(objectHealth(null), { status: 'NotFound', message: 'Resource not found' });

  const pvc: Obj = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, status: { phase: 'Pending' } };
  assert.equal(objectHealth(pvc, exprs).message, 'PVC is not Bound. phase: Pending');
});
