import { Option, type Command } from 'commander';
import { API_VERSION } from '../../api/index.ts';
import { resourcePath } from '../../kube/discovery.ts';
import { Informer } from '../../kube/informer.ts';
import { CliError, connect, globals } from '../context.ts';
import { eventTime, resolveKinds, sortEvents, type CoreEvent } from '../lookup.ts';
import { age, parseFormat, printStructured, table } from '../output.ts';
import type { CliIO } from '../program.ts';

interface EventsOptions {
  for?: string;
  allNamespaces: boolean;
  watch: boolean;
  output?: string;
}

export function registerEvents(program: Command, io: CliIO): void {
  program
    .command('events')
    .description('show the Events of Governor objects (Stacks, sources), oldest first')
    .option('--for <kind/name>', 'only the events of one object: stack/NAME or source/NAME')
    .option('-A, --all-namespaces', 'events in all namespaces', false)
    .option('-w, --watch', 'after listing, print new events as they happen, until Ctrl-C', false)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml']))
    .addHelpText('after', '\nExamples:\n  governor events --for stack/web\n  governor events -A --watch\n')
    .action(async (opts: EventsOptions, cmd: Command) => {
      const g = globals(cmd);
      const selector = [`involvedObject.apiVersion=${API_VERSION}`];
      if (opts.for) {
        const [word, name, ...rest] = opts.for.split('/');
        if (!word || !name || rest.length > 0) throw new CliError(`--for "${opts.for}" is not KIND/NAME`, { hint: 'use --for stack/NAME or --for source/NAME' });
        const k = resolveKinds(word, false, { notifications: true })[0]!;
        selector.push(`involvedObject.kind=${k.kind}`, `involvedObject.name=${name}`);
      }
      const format = parseFormat(opts.output);
      const session = await connect(g);
      try {
        const namespace = opts.allNamespaces ? undefined : session.namespace;
        const fieldSelector = selector.join(',');
        const list = await session.api.listAll<CoreEvent>('v1', 'Event', namespace, { fieldSelector });
        const events = sortEvents(list.items).map((e) => ({ ...e, apiVersion: 'v1', kind: 'Event' }));
        const headers = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
        if (opts.allNamespaces) headers.unshift('NAMESPACE');
        const row = (e: CoreEvent) => {
          const r = [age(eventTime(e)), e.type ?? '', e.reason ?? '', `${e.involvedObject.kind ?? '?'}/${e.involvedObject.name ?? '?'}`, (e.message ?? '').replace(/\s*\n\s*/g, ' ')];
          if (opts.allNamespaces) r.unshift(e.metadata.namespace ?? '');
          return r;
        };
        if (format === 'json' || format === 'yaml') {
          if (events.length > 0 || format === 'json') printStructured(io, events, format, false);
        } else if (events.length > 0) {
          io.out(table(headers, events.map(row)));
        }
        if (events.length === 0) io.err(namespace ? `No events found in ${namespace} namespace.\n` : 'No events found.\n');
        if (!opts.watch) return;

        const stopped = Promise.withResolvers<void>();
        const onSignal = () => stopped.resolve();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        let live = false;
        const print = (e: CoreEvent) => {
          if (!live) return;
          if (format === 'json' || format === 'yaml') printStructured(io, [{ ...e, apiVersion: 'v1', kind: 'Event' }], format, true);
          else io.out(table(headers, [row(e)]).split('\n').slice(1).join('\n'));
        };
        const m = await session.api.mapping('v1', 'Event');
        const inf = new Informer<CoreEvent>({
          client: session.api.client,
          path: resourcePath(m, namespace),
          fieldSelector,
          onAdd: print,
          // A repeated event is the same Event with its count and lastTimestamp moved on.
          onUpdate: (e, old) => {
            if (e.count !== old.count || eventTime(e) !== eventTime(old)) print(e);
          },
        });
        try {
          await inf.start();
          live = true;
          await stopped.promise;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await inf.stop();
        }
      } finally {
        session.close();
      }
    });
}
