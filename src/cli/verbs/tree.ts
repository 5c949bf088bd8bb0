import { Option, type Command } from 'commander';
import type { Stack } from '../../api/index.ts';
import { objectHealth, type HealthStatus } from '../../engine/health/index.ts';
import { inventoryApiVersion, parseId } from '../../engine/object-id.ts';
import type { Obj } from '../../engine/types.ts';
import type { KubeApi } from '../../kube/api.ts';
import { CliError, connect, globals } from '../context.ts';
import { getObject, resolveKinds, STACK } from '../lookup.ts';
import { colours } from '../output.ts';
import type { CliIO } from '../program.ts';

export interface TreeObject {
  namespace: string;
  group: string;
  kind: string;
  name: string;
  apiVersion: string;
  health: HealthStatus;
  message: string;
}

/** Enough parallel GETs to be quick on a big inventory without flooding the API server. */
const PARALLEL = 16;

export function registerTree(program: Command, io: CliIO): void {
  program
    .command('tree')
    .description("show a Stack's inventory as a tree, grouped by namespace and kind, with each object's live health")
    .argument('<kind>', 'stack')
    .argument('<name>', 'the Stack')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json']))
    .addHelpText('after', '\nExamples:\n  governor tree stack apps -n platform\n  governor tree stack apps -o json\n')
    .action(async (word: string, name: string, opts: { output?: string }, cmd: Command) => {
      const k = resolveKinds(word, false)[0]!;
      if (k.kind !== 'Stack') throw new CliError(`tree shows the inventory of a Stack, not of a ${k.word}`, { hint: `governor tree stack NAME` });
      const session = await connect(globals(cmd));
      try {
        const s = await getObject<Stack>(session.api, STACK, session.namespace, name);
        const objects = await inventoryHealth(session.api, s);
        if (opts.output === 'json') {
          io.out(
            JSON.stringify(
              { stack: { namespace: s.metadata.namespace, name: s.metadata.name, revision: s.status?.lastAppliedRevision ?? null }, objects },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        io.out(renderTree(s, objects, colours(process.stdout.isTTY === true)));
      } finally {
        session.close();
      }
    });
}

/** Each inventory entry with the health of its live object, in inventory (apply) order. */
export async function inventoryHealth(api: KubeApi, s: Stack): Promise<TreeObject[]> {
  const entries = s.status?.inventory?.entries ?? [];
  const out: TreeObject[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      let ref;
      try {
        ref = parseId(e.id);
      } catch {
        out[i] = { namespace: '', group: '', kind: '?', name: e.id, apiVersion: e.v, health: 'Unknown', message: 'malformed inventory id' };
        continue;
      }
      let health: { status: HealthStatus; message: string };
      try {
        const live = await api.find<Obj & { metadata: { name: string } }>({ apiVersion: inventoryApiVersion(ref.group, e.v), kind: ref.kind, namespace: ref.namespace || undefined, name: ref.name });
        health = objectHealth(live ?? null);
      } catch (err) {
        // A kind whose CRD is gone, or one we may not read: say so on that line, keep the rest.
        health = { status: 'Unknown', message: (err as Error).message };
      }
      out[i] = { ...ref, apiVersion: inventoryApiVersion(ref.group, e.v), health: health.status, message: health.message };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, entries.length) }, worker));
  return out;
}

type Palette = ReturnType<typeof colours>;

export function renderTree(s: Stack, objects: TreeObject[], c: Palette): string {
  const paint = (h: HealthStatus) => (h === 'Current' ? c.green(h) : h === 'Failed' || h === 'NotFound' ? c.red(h) : c.yellow(h));
  const lines = [`Stack/${s.metadata.namespace}/${s.metadata.name}${s.status?.lastAppliedRevision ? `  (${s.status.lastAppliedRevision})` : ''}`];
  if (objects.length === 0) {
    lines.push('└── <no objects applied yet>');
    return lines.join('\n') + '\n';
  }
  // Cluster-scoped objects (Namespaces, CRDs) first: they are applied first too.
  const byNs = new Map<string, Map<string, TreeObject[]>>();
  for (const o of objects) {
    const kinds = byNs.get(o.namespace) ?? new Map<string, TreeObject[]>();
    byNs.set(o.namespace, kinds);
    const kind = o.group ? `${o.kind}.${o.group}` : o.kind;
    kinds.set(kind, [...(kinds.get(kind) ?? []), o]);
  }
  const namespaces = [...byNs.keys()].sort();
  namespaces.forEach((ns, ni) => {
    const lastNs = ni === namespaces.length - 1;
    lines.push(`${lastNs ? '└── ' : '├── '}${ns ? `Namespace ${ns}` : '(cluster-scoped)'}`);
    const nsPad = lastNs ? '    ' : '│   ';
    const kinds = byNs.get(ns)!;
    const kindNames = [...kinds.keys()].sort();
    kindNames.forEach((kind, ki) => {
      const lastKind = ki === kindNames.length - 1;
      lines.push(`${nsPad}${lastKind ? '└── ' : '├── '}${kind}`);
      const kindPad = nsPad + (lastKind ? '    ' : '│   ');
      const objs = kinds.get(kind)!.sort((a, b) => a.name.localeCompare(b.name));
      objs.forEach((o, oi) => {
        const detail = o.health === 'Current' || !o.message ? '' : `  ${o.message.replace(/\s*\n\s*/g, ' ')}`;
        lines.push(`${kindPad}${oi === objs.length - 1 ? '└── ' : '├── '}${o.name}  ${paint(o.health)}${detail}`);
      });
    });
  });
  return lines.join('\n') + '\n';
}
