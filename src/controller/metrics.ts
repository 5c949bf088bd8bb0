import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The controller's Prometheus metrics, on a private registry (never the global one). */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration: Histogram<'kind'>;
  readonly reconcileTotal: Counter<'kind' | 'result'>;
  readonly queueDepth: Gauge;
  readonly ready: Gauge<'kind' | 'namespace' | 'name'>;
  readonly driftDetected: Counter<'namespace' | 'name'>;
  readonly driftCorrected: Counter<'namespace' | 'name'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'governor_process_' });
    this.reconcileDuration = new Histogram({
      name: 'governor_reconcile_duration_seconds',
      help: 'Duration of one reconcile, by kind.',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [this.registry],
    });
    this.reconcileTotal = new Counter({
      name: 'governor_reconcile_total',
      help: 'Reconciles by kind and result (success, or the error code).',
      labelNames: ['kind', 'result'],
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({ name: 'governor_workqueue_depth', help: 'Keys waiting in the work queue.', registers: [this.registry] });
    this.driftDetected = new Counter({
      name: 'governor_drift_detected_total',
      help: 'Objects found changed (or deleted) in the cluster by someone other than Governor, per Stack.',
      labelNames: ['namespace', 'name'],
      registers: [this.registry],
    });
    this.driftCorrected = new Counter({
      name: 'governor_drift_corrected_total',
      help: 'Drifted objects put back to what Git says, per Stack.',
      labelNames: ['namespace', 'name'],
      registers: [this.registry],
    });
    this.ready = new Gauge({
      name: 'governor_ready',
      help: '1 when the object is Ready, 0 otherwise.',
      labelNames: ['kind', 'namespace', 'name'],
      registers: [this.registry],
    });
  }
}
