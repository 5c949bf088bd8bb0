import type { Command } from 'commander';
import { stringify } from 'yaml';
import { API_VERSION, Annotations, Labels } from '../../api/index.ts';
import type { KubeObject } from '../../kube/types.ts';
import { CliError, connect, globals } from '../context.ts';
import { getObject, listObjects, resolveKinds } from '../lookup.ts';
import type { CliIO } from '../program.ts';

/**
 * Labels and annotations that describe this copy in this cluster rather than the desired
 * object: kubectl's bookkeeping, a one-off reconcile request, and the labels a Stack stamps on
 * what it applies (a self-managed installation would otherwise export its own ownership).
 */
const RUNTIME_LABELS = new Set<string>([Labels.StackName, Labels.StackNamespace]);
const RUNTIME_ANNOTATIONS = new Set<string>([Annotations.ReconcileRequestedAt]);
const RUNTIME_PREFIXES = ['kubectl.kubernetes.io/'];

export function registerExport(program: Command, io: CliIO): void {
  program
    .command('export')
    .description('print Stacks and sources as clean YAML, ready to commit (no status or server-set fields)')
    .argument('<kind>', 'stack, source or all')
    .argument('[name]', 'one object (default: all of that kind)')
    .option('-A, --all-namespaces', 'export from all namespaces', false)
    .addHelpText('after', '\nExamples:\n  governor export all -n platform > platform.yaml\n  governor export stack web\n')
    .action(async (word: string, name: string | undefined, opts: { allNamespaces: boolean }, cmd: Command) => {
      const kinds = resolveKinds(word, true, { notifications: true });
      if (name && kinds.length > 1) throw new CliError('a name needs one kind, not all', { hint: 'use governor export stack NAME' });
      if (name && opts.allNamespaces) throw new CliError('a name cannot be combined with --all-namespaces', { hint: 'use -n NAMESPACE' });
      const session = await connect(globals(cmd));
      try {
        const namespace = opts.allNamespaces ? undefined : session.namespace;
        const objects: KubeObject[] = [];
        for (const k of kinds) {
          if (name) objects.push(await getObject(session.api, k, session.namespace, name));
          else objects.push(...(await listObjects(session.api, k, namespace)));
        }
        if (objects.length === 0) {
          io.err(namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found.\n');
          return;
        }
        io.out(objects.map((o) => stringify(clean(o))).join('---\n'));
      } finally {
        session.close();
      }
    });
}

/** The object as a person would write it: identity, labels, annotations and spec. */
export function clean(o: KubeObject): KubeObject {
  const keep = (m: Record<string, string> | undefined, drop: (k: string) => boolean) => {
    const entries = Object.entries(m ?? {}).filter(([k]) => !drop(k));
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  };
  const runtime = (set: Set<string>) => (k: string) => set.has(k) || RUNTIME_PREFIXES.some((p) => k.startsWith(p));
  const labels = keep(o.metadata.labels, runtime(RUNTIME_LABELS));
  const annotations = keep(o.metadata.annotations, runtime(RUNTIME_ANNOTATIONS));
  return {
    apiVersion: o.apiVersion ?? API_VERSION,
    kind: o.kind,
    metadata: {
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    spec: o.spec,
  };
}
