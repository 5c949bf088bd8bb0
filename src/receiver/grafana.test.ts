import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ControllerMetrics } from '../controller/metrics.ts';

// The dashboard lives here because the receiver work added it; it checks the whole metrics
// surface so a metric added, renamed or removed in metrics.ts fails a test until the dashboard follows.

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; definition?: string }[] };
}

const dashboard = JSON.parse(readFileSync(new URL('../../config/grafana/governor.json', import.meta.url), 'utf8')) as Dashboard;

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

const panels = allPanels(dashboard.panels);
const expressions = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
const variableQueries = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []));

/** Of prom-client's default metrics, the two the dashboard shows; the others are for ad-hoc digging. */
const SHOWN_DEFAULTS = ['process_resident_memory_bytes', 'process_cpu_seconds_total'];

async function registered() {
  const registry = new ControllerMetrics().registry;
  const metrics = await registry.getMetricsAsJSON();
  // prom-client's defaults are process_* and nodejs_* under whatever prefix metrics.ts gives them;
  // matched that way, the check survives a change of that prefix.
  const isDefault = (name: string) => /^(process_)?(process|nodejs)_/.test(name.replace(/^governor_/, ''));
  const labelsOf = (name: string) => (registry.getSingleMetric(name) as unknown as { labelNames?: string[] }).labelNames ?? [];
  return {
    all: new Map(metrics.map((m) => [m.name, String(m.type)])),
    required: metrics
      .map((m) => m.name)
      .filter((name) => !isDefault(name) || SHOWN_DEFAULTS.some((d) => name.endsWith(`_${d}`))),
    namespaced: new Set(metrics.map((m) => m.name).filter((name) => labelsOf(name).includes('namespace'))),
  };
}

/** Metric names an expression reads, with a histogram's _bucket/_sum/_count folded to its name. */
function metricsIn(expr: string, all: Map<string, string>): string[] {
  return [...expr.matchAll(/\bgovernor_[a-z0-9_]+/g)].map(([token]) => {
    const base = token.replace(/_(bucket|sum|count)$/, '');
    return !all.has(token) && all.get(base) === 'histogram' ? base : token;
  });
}

test('every controller metric appears in some panel', async () => {
  const { all, required } = await registered();
  const used = new Set(expressions.flatMap((e) => metricsIn(e, all)));
  const missing = required.filter((name) => !used.has(name));
  assert.deepEqual(missing, [], `metrics with no panel: ${missing.join(', ')}`);
  assert.equal(required.filter((n) => SHOWN_DEFAULTS.some((d) => n.endsWith(d))).length, 2);
});

test('every metric the dashboard reads is registered', async () => {
  const { all } = await registered();
  const unknown = [...expressions, ...variableQueries].flatMap((e) => metricsIn(e, all)).filter((name) => !all.has(name));
  assert.deepEqual(unknown, [], `the dashboard reads metrics the controller does not export: ${unknown.join(', ')}`);
});

test('histograms are shown as p50 and p99 from their buckets', async () => {
  const { all } = await registered();
  const histograms = [...all].filter(([name, type]) => type === 'histogram' && expressions.some((e) => e.includes(`${name}_bucket`)));
  assert.ok(histograms.length >= 3);
  for (const [name] of histograms) {
    const uses = expressions.filter((e) => e.includes(`${name}_bucket`));
    for (const e of uses) assert.match(e, /^histogram_quantile\(0\.(5|99), sum by \([^)]*\ble\b[^)]*\) \(rate\(/, e);
    assert.ok(uses.some((e) => e.startsWith('histogram_quantile(0.5,')), `${name} p50`);
    assert.ok(uses.some((e) => e.startsWith('histogram_quantile(0.99,')), `${name} p99`);
  }
});

test('the dashboard is portable: a Prometheus datasource variable, a namespace variable, schema ~39', () => {
  assert.ok(dashboard.schemaVersion >= 36 && dashboard.schemaVersion <= 41);
  assert.equal(dashboard.uid, 'governor');
  const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
  assert.equal(ds?.type, 'datasource');
  assert.equal(ds?.query, 'prometheus');
  const ns = dashboard.templating.list.find((v) => v.name === 'namespace');
  assert.equal(ns?.type, 'query');
  for (const p of panels.filter((x) => x.type !== 'row')) {
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
    assert.ok(p.targets && p.targets.length > 0, p.title);
    for (const t of p.targets) {
      assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
      assert.ok(t.refId && t.expr, p.title);
    }
  }
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
});

test('panels of per-object metrics follow the namespace variable', async () => {
  const { all, namespaced } = await registered();
  assert.ok(namespaced.has('governor_ready'));
  for (const e of expressions) {
    if (metricsIn(e, all).some((m) => namespaced.has(m))) assert.match(e, /namespace=~"\$namespace"/, e);
  }
});
