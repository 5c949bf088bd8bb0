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
  readonly workDuration: Histogram<'kind'>;
  readonly objectsApplied: Counter<'namespace' | 'name' | 'action'>;
  readonly objectsPruned: Counter<'namespace' | 'name'>;
  readonly gitFetchDuration: Histogram<'namespace' | 'name'>;
  readonly gitFetchErrors: Counter<'namespace' | 'name' | 'reason'>;
  readonly notificationDeliveries: Counter<'provider_type' | 'result'>;
  readonly receiverRequests: Counter<'type' | 'result'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'governor_' });
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
    this.workDuration = new Histogram({
      name: 'governor_workqueue_work_duration_seconds',
      help: 'Time a key spends being worked on (reconcile plus queue bookkeeping), by kind.',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [this.registry],
    });
    this.objectsApplied = new Counter({
      name: 'governor_objects_applied_total',
      help: 'Objects written by server-side apply, per Stack and action (created, configured, recreated).',
      labelNames: ['namespace', 'name', 'action'],
      registers: [this.registry],
    });
    this.objectsPruned = new Counter({
      name: 'governor_objects_pruned_total',
      help: 'Objects deleted because they left the Stack, per Stack.',
      labelNames: ['namespace', 'name'],
      registers: [this.registry],
    });
    this.gitFetchDuration = new Histogram({
      name: 'governor_git_fetch_duration_seconds',
      help: 'Time to look for and fetch a revision, per GitRepository.',
      labelNames: ['namespace', 'name'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.gitFetchErrors = new Counter({
      name: 'governor_git_fetch_errors_total',
      help: 'Failed fetches, per GitRepository and error code.',
      labelNames: ['namespace', 'name', 'reason'],
      registers: [this.registry],
    });
    this.notificationDeliveries = new Counter({
      name: 'governor_notification_deliveries_total',
      help: 'Notifications by provider type and result: sent, failed (gave up after retries), suppressed (a repeat within the window), unchanged (a commit status already posted).',
      labelNames: ['provider_type', 'result'],
      registers: [this.registry],
    });
    this.receiverRequests = new Counter({
      name: 'governor_receiver_requests_total',
      help: 'Webhook calls by receiver type and result (accepted, ignored, unauthorized, too_large, not_found, error).',
      labelNames: ['type', 'result'],
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
