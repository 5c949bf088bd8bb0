import type { Command } from 'commander';
import { API_VERSION, type Condition, type GitRepository, type Stack } from '../../api/index.ts';
import type { KubeApi } from '../../kube/api.ts';
import { connect, globals } from '../context.ts';
import { eventTime, getObject, resolveKinds, sortEvents, type CoreEvent } from '../lookup.ts';
import { age, table } from '../output.ts';
import type { CliIO } from '../program.ts';

/** Enough events to see the last few reconciles; `governor events --for` shows them all. */
const MAX_EVENTS = 15;

export function registerDescribe(program: Command, io: CliIO): void {
  program
    .command('describe')
    .description('show one Stack or source in detail: spec, conditions, revision, inventory, drift and recent events')
    .argument('<kind>', 'stack or source')
    .argument('<name>', 'the object')
    .addHelpText('after', '\nExamples:\n  governor describe stack web -n apps\n  governor describe source platform\n')
    .action(async (word: string, name: string, _opts: unknown, cmd: Command) => {
      const k = resolveKinds(word, false)[0]!;
      const session = await connect(globals(cmd));
      try {
        const ns = session.namespace;
        const obj = await getObject<Stack | GitRepository>(session.api, k, ns, name);
        const lines: string[] = [];
        const field = (label: string, value: unknown, indent = 0) => {
          if (value === undefined || value === '' || value === null) return;
          lines.push(`${' '.repeat(indent)}${(label + ':').padEnd(28 - indent)}${String(value)}`);
        };
        field('Name', obj.metadata.name);
        field('Namespace', obj.metadata.namespace);
        field('Kind', `${k.kind} (${API_VERSION})`);
        field('Created', obj.metadata.creationTimestamp ? `${obj.metadata.creationTimestamp} (${age(obj.metadata.creationTimestamp)} ago)` : undefined);
        field('Labels', mapText(obj.metadata.labels));
        field('Annotations', mapText(obj.metadata.annotations));
        field('Generation', `${obj.metadata.generation ?? '?'} (observed: ${obj.status?.observedGeneration ?? 'not yet'})`);
        if (obj.metadata.deletionTimestamp) field('Deleting since', obj.metadata.deletionTimestamp);
        lines.push('Spec:');
        if (k.kind === 'Stack') describeStack(obj as Stack, field, lines);
        else describeSource(obj as GitRepository, field, lines);
        lines.push('Conditions:');
        lines.push(...conditionTable(obj.status?.conditions));
        lines.push('Events:');
        lines.push(...(await eventLines(session.api, ns, k.kind, name)));
        io.out(lines.join('\n') + '\n');
      } finally {
        session.close();
      }
    });
}

type Field = (label: string, value: unknown, indent?: number) => void;

function describeStack(s: Stack, field: Field, lines: string[]): void {
  const spec = s.spec;
  const src = spec.sourceRef;
  field('Source', `${src.kind ?? 'GitRepository'}/${src.namespace ? `${src.namespace}/` : ''}${src.name}`, 2);
  field('Path', spec.path, 2);
  field('Interval', spec.interval, 2);
  field('Retry Interval', spec.retryInterval, 2);
  field('Timeout', spec.timeout, 2);
  field('Prune', spec.prune, 2);
  field('Wait', spec.wait, 2);
  field('Force', spec.force, 2);
  field('Suspend', spec.suspend, 2);
  field('Target Namespace', spec.targetNamespace, 2);
  field('Service Account', spec.serviceAccountName, 2);
  field('Cluster', spec.clusterRef?.name, 2);
  field('Drift Mode', spec.drift?.mode, 2);
  if (spec.drift?.ignore?.length) field('Drift Ignore', spec.drift.ignore.map((r) => r.paths.join(',')).join('; '), 2);
  field('Depends On', spec.dependsOn?.map((d) => (d.namespace ? `${d.namespace}/${d.name}` : d.name)).join(', ') || '<none>', 2);
  if (spec.substitute) field('Substitute', Object.keys(spec.substitute).sort().join(', '), 2);
  if (spec.substituteFrom?.length) field('Substitute From', spec.substituteFrom.map((r) => `${r.kind}/${r.name}${r.optional ? ' (optional)' : ''}`).join(', '), 2);
  if (spec.healthChecks?.length) field('Health Checks', spec.healthChecks.map((h) => `${h.kind}/${h.name}`).join(', '), 2);
  if (spec.healthCheckExprs?.length) field('Health Expressions', spec.healthCheckExprs.map((h) => `${h.kind}.${h.apiVersion}`).join(', '), 2);
  lines.push('Status:');
  field('Last Applied Revision', s.status?.lastAppliedRevision ?? '<none>', 2);
  field('Last Attempted Revision', s.status?.lastAttemptedRevision ?? '<none>', 2);
  const entries = s.status?.inventory?.entries ?? [];
  field('Inventory', `${entries.length} object${entries.length === 1 ? '' : 's'} (governor tree stack ${s.metadata.name})`, 2);
  const drift = s.status?.drift;
  const drifted = drift?.count ?? 0;
  const lastSeen = drift?.lastDriftTime ? `, last seen ${age(drift.lastDriftTime)} ago (${drift.lastDriftTime})` : '';
  field('Drift', `${drifted} object${drifted === 1 ? '' : 's'} drifted${lastSeen}`, 2);
  field('Last Reconcile Request', s.status?.lastHandledReconcileAt, 2);
}

function describeSource(r: GitRepository, field: Field, lines: string[]): void {
  const spec = r.spec;
  field('URL', spec.url, 2);
  const ref = spec.ref ?? {};
  field('Ref', Object.entries(ref).map(([key, v]) => `${key}=${String(v)}`).join(', ') || '<default branch>', 2);
  field('Interval', spec.interval, 2);
  field('Timeout', spec.timeout, 2);
  field('Secret', spec.secretRef?.name, 2);
  field('Ignore', spec.ignore?.trim().replace(/\n/g, ', '), 2);
  field('Suspend', spec.suspend, 2);
  lines.push('Status:');
  const a = r.status?.artifact;
  field('Revision', a?.revision ?? '<none>', 2);
  if (a) {
    field('Commit', a.commit.sha, 2);
    field('Author', a.commit.author, 2);
    field('Committed', a.commit.time, 2);
    field('Message', a.commit.message.split('\n')[0], 2);
    field('Fetched', `${a.lastUpdateTime} (${age(a.lastUpdateTime)} ago)`, 2);
  }
  field('Last Reconcile Request', r.status?.lastHandledReconcileAt, 2);
}

function conditionTable(conditions: Condition[] | undefined): string[] {
  if (!conditions?.length) return ['  <none>'];
  const rows = conditions.map((c) => [c.type, c.status, c.reason, c.message.replace(/\s*\n\s*/g, ' '), age(c.lastTransitionTime)]);
  return indent(table(['TYPE', 'STATUS', 'REASON', 'MESSAGE', 'AGE'], rows));
}

async function eventLines(api: KubeApi, namespace: string, kind: string, name: string): Promise<string[]> {
  const list = await api.listAll<CoreEvent>('v1', 'Event', namespace, {
    fieldSelector: `involvedObject.name=${name},involvedObject.kind=${kind},involvedObject.apiVersion=${API_VERSION}`,
  });
  const events = sortEvents(list.items).slice(-MAX_EVENTS);
  if (events.length === 0) return ['  <none>'];
  const rows = events.map((e) => [
    age(eventTime(e)),
    e.type ?? '',
    e.reason ?? '',
    String(e.count ?? 1),
    (e.message ?? '').replace(/\s*\n\s*/g, ' '),
  ]);
  return indent(table(['LAST SEEN', 'TYPE', 'REASON', 'COUNT', 'MESSAGE'], rows));
}

function indent(text: string): string[] {
  return text.trimEnd().split('\n').map((l) => `  ${l}`);
}

function mapText(m: Record<string, string> | undefined): string | undefined {
  if (!m || Object.keys(m).length === 0) return undefined;
  return Object.entries(m)
    .map(([key, v]) => `${key}=${v.length > 80 ? v.slice(0, 79) + '…' : v}`)
    .join(', ');
}
