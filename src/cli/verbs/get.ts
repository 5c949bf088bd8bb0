import { Option, type Command } from 'commander';
import type { Alert, GitRepository, Provider, Receiver, Stack } from '../../api/index.ts';
import { resourcePath } from '../../kube/discovery.ts';
import { Informer } from '../../kube/informer.ts';
import type { KubeObject } from '../../kube/types.ts';
import { API_VERSION } from '../../api/index.ts';
import { CliError, connect, globals } from '../context.ts';
import { getObject, listObjects, readiness, resolveKinds, shortRevision, truncate, withoutManagedFields, type KindInfo } from '../lookup.ts';
import { age, parseFormat, printStructured, table, type OutputFormat } from '../output.ts';
import type { CliIO } from '../program.ts';

interface GetOptions {
  allNamespaces: boolean;
  output?: string;
  watch: boolean;
}

/** Beyond this a status message wraps in an 80-column terminal; -o wide shows it whole. */
const STATUS_WIDTH = 60;

export function registerGet(program: Command, io: CliIO): void {
  program
    .command('get')
    .description('list sources and Stacks with their readiness and revision')
    .argument('<kind>', 'sources, stacks, providers, alerts, receivers or all (also: source, gitrepositories, stack, st)')
    .argument('[names...]', 'only these objects')
    .option('-A, --all-namespaces', 'list across all namespaces', false)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml', 'wide', 'name']))
    .option('-w, --watch', 'after listing, print rows again as they change, until Ctrl-C', false)
    .addHelpText('after', '\nExamples:\n  governor get stacks -A\n  governor get stack web -o yaml\n  governor get all -n platform --watch\n')
    .action(async (word: string, names: string[], opts: GetOptions, cmd: Command) => {
      const g = globals(cmd);
      const kinds = resolveKinds(word, true, { notifications: true });
      const format = parseFormat(opts.output);
      if (names.length > 0 && opts.allNamespaces) throw new CliError('names cannot be combined with --all-namespaces', { hint: 'use -n NAMESPACE' });
      if (names.length > 0 && kinds.length > 1) throw new CliError('names need one kind, not all', { hint: 'use governor get stack NAME' });
      const session = await connect(g);
      try {
        const namespace = opts.allNamespaces ? undefined : session.namespace;
        const groups: { k: KindInfo; objects: KubeObject[] }[] = [];
        for (const k of kinds) {
          const objects =
            names.length > 0
              ? await Promise.all(names.map((n) => getObject(session.api, k, session.namespace, n)))
              : await listObjects(session.api, k, namespace);
          groups.push({ k, objects: objects.map((o) => withoutManagedFields({ ...o, apiVersion: API_VERSION, kind: k.kind })) });
        }
        const all = groups.flatMap((gr) => gr.objects);
        const view = { allNamespaces: opts.allNamespaces, format, prefix: kinds.length > 1 };

        if (format === 'json' || format === 'yaml') {
          if (all.length === 0 && format === 'json') printStructured(io, [], 'json', false);
          else if (all.length > 0) printStructured(io, all, format, names.length === 1);
        } else if (all.length > 0) {
          const printed: string[] = [];
          for (const gr of groups) {
            if (gr.objects.length === 0) continue;
            printed.push(format === 'name' ? gr.objects.map((o) => nameOf(gr.k, o) + '\n').join('') : renderTable(gr.k, gr.objects, view));
          }
          io.out(printed.join(format === 'name' ? '' : '\n'));
        }
        if (all.length === 0) io.err(namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found.\n');
        if (opts.watch) await watch(session, kinds, namespace, names, view, io);
      } finally {
        session.close();
      }
    });
}

interface View {
  allNamespaces: boolean;
  format: OutputFormat;
  /** `get all` names rows kind/name, as kubectl does when kinds mix. */
  prefix: boolean;
}

function nameOf(k: KindInfo, o: KubeObject): string {
  return `${k.kind.toLowerCase()}.governor.dev/${o.metadata.name}`;
}

function headers(k: KindInfo, v: View): string[] {
  const wide = v.format === 'wide';
  const h = ['NAME'];
  if (v.allNamespaces) h.unshift('NAMESPACE');
  if (k.kind === 'GitRepository' && wide) h.push('URL');
  if (k.kind === 'Provider') h.push('TYPE');
  if (k.kind === 'Alert') h.push('PROVIDER', 'SEVERITY');
  if (k.kind === 'Receiver') h.push('TYPE');
  h.push('READY', 'STATUS');
  if (k.kind === 'Stack' || k.kind === 'GitRepository') h.push('REVISION');
  h.push('SUSPENDED', 'AGE');
  if (k.kind === 'Receiver' && wide) h.push('PATH');
  if (k.kind === 'Stack' && wide) h.push('SOURCE', 'PATH', 'DRIFT', 'LAST-APPLIED');
  return h;
}

function row(k: KindInfo, o: KubeObject, v: View, now = Date.now()): string[] {
  const wide = v.format === 'wide';
  const r = readiness(o);
  const status = wide ? r.message.replace(/\s*\n\s*/g, ' ') : truncate(r.message, STATUS_WIDTH);
  const cells = [v.prefix ? `${k.kind.toLowerCase()}/${o.metadata.name}` : o.metadata.name];
  if (v.allNamespaces) cells.unshift(o.metadata.namespace ?? '');
  if (k.kind === 'Provider' || k.kind === 'Alert' || k.kind === 'Receiver') {
    const spec = (o as unknown as Provider | Alert | Receiver).spec;
    if ('providerRef' in spec) cells.push(spec.providerRef.name, spec.eventSeverity);
    else cells.push(spec.type);
    cells.push(r.ready, status, String(spec.suspend ?? false), age(o.metadata.creationTimestamp, now));
    if (k.kind === 'Receiver' && wide) cells.push((o as unknown as Receiver).status?.webhookPath ?? '');
  } else if (k.kind === 'GitRepository') {
    const s = o as unknown as GitRepository;
    if (wide) cells.push(s.spec.url);
    const rev = s.status?.artifact?.revision;
    cells.push(r.ready, status, shortRevision(rev), String(s.spec.suspend ?? false), age(o.metadata.creationTimestamp, now));
  } else {
    const s = o as unknown as Stack;
    cells.push(r.ready, status, shortRevision(s.status?.lastAppliedRevision), String(s.spec.suspend ?? false), age(o.metadata.creationTimestamp, now));
    if (wide) {
      const src = s.spec.sourceRef;
      cells.push(
        `${src.kind ?? 'GitRepository'}/${src.namespace ? `${src.namespace}/` : ''}${src.name}`,
        s.spec.path,
        String(s.status?.drift?.count ?? 0),
        s.status?.lastAppliedRevision ?? '',
      );
    }
  }
  return cells;
}

function renderTable(k: KindInfo, objects: KubeObject[], v: View): string {
  const now = Date.now();
  return table(
    headers(k, v),
    objects.map((o) => row(k, o, v, now)),
  );
}

/**
 * kubectl's --watch: the list was printed; now each change prints the object's row again. A
 * status write that changes nothing a column shows (say lastHandledReconcileAt) prints nothing.
 */
async function watch(
  session: Awaited<ReturnType<typeof connect>>,
  kinds: KindInfo[],
  namespace: string | undefined,
  names: string[],
  v: View,
  io: CliIO,
): Promise<void> {
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const informers: Informer<KubeObject>[] = [];
  try {
    for (const k of kinds) {
      const m = await session.api.mapping(API_VERSION, k.kind);
      const last = new Map<string, string>();
      let live = false;
      const emit = (o: KubeObject, deleted: boolean) => {
        if (!live) return;
        if (names.length > 0 && !names.includes(o.metadata.name)) return;
        const obj = withoutManagedFields({ ...o, apiVersion: API_VERSION, kind: k.kind });
        const key = `${o.metadata.namespace}/${o.metadata.name}`;
        if (v.format === 'json' || v.format === 'yaml') {
          printStructured(io, [obj], v.format, true);
          return;
        }
        const cells = v.format === 'name' ? [nameOf(k, obj)] : row(k, obj, v);
        // AGE ticks on its own; it is not a change.
        const ageAt = v.format === 'name' ? -1 : headers(k, v).indexOf('AGE');
        const fingerprint = (deleted ? 'deleted:' : '') + cells.filter((_, i) => i !== ageAt).join('\u0000');
        if (last.get(key) === fingerprint) return;
        last.set(key, fingerprint);
        if (v.format === 'name') io.out(cells[0] + '\n');
        else io.out(table(headers(k, v), [cells]).split('\n').slice(1).join('\n'));
      };
      const inf = new Informer<KubeObject>({
        client: session.api.client,
        path: resourcePath(m, namespace),
        onAdd: (o) => emit(o, false),
        onUpdate: (o) => emit(o, false),
        onDelete: (o) => emit(o, true),
      });
      informers.push(inf);
      await inf.start();
      // Rows already printed are what the first list showed; remember them so only changes print.
      for (const o of inf.list()) {
        const cells = v.format === 'name' ? [nameOf(k, o)] : row(k, { ...o, apiVersion: API_VERSION, kind: k.kind }, v);
        const ageAt = v.format === 'name' ? -1 : headers(k, v).indexOf('AGE');
        last.set(`${o.metadata.namespace}/${o.metadata.name}`, cells.filter((_, i) => i !== ageAt).join('\u0000'));
      }
      live = true;
    }
    await stopped.promise;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(informers.map((i) => i.stop()));
  }
}
