import { LineCounter, parseAllDocuments, visit, isScalar } from 'yaml';
import type { Tags } from 'yaml';
import { GovernorError, ErrorCodes } from '../errors.ts';
import type { SourceDocument } from './types.ts';

/**
 * kubectl reads manifests with go-yaml v2 (YAML 1.1) and then converts them to JSON. The `yaml`
 * package's 1.1 schema is close but resolves a few things go-yaml v2 leaves alone when decoding
 * into untyped data: timestamps and sexagesimal numbers stay strings there (`22:22` in a
 * ConfigMap must not become 1342), and !!binary/!!set/!!omap/!!pairs give plain strings and
 * collections. Dropping those tags makes the package fall back to exactly that.
 */
const DROPPED_TAGS = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:set',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
]);

const DROPPED_TAG_NAMES = new Set(['timestamp', 'binary', 'set', 'omap', 'pairs', 'intTime', 'floatTime']);

function kubectlTags(tags: Tags): Tags {
  return tags.filter((t) => (typeof t === 'string' ? !DROPPED_TAG_NAMES.has(t) : !DROPPED_TAGS.has(t.tag) && t.format !== 'TIME'));
}

function invalidYaml(file: string, line: number, column: number, message: string): GovernorError {
  return new GovernorError(ErrorCodes.InvalidYaml, `${file}:${line}:${column}: ${message}`, {
    details: { file, line, column },
  });
}

/** The `yaml` package appends " at line L, column C:" and a code frame; the location is already in our prefix. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses a multi-document YAML (or JSON) file the way kubectl does. `file` is the name shown in
 * errors, relative to the checkout root. Empty and `null` documents are skipped; `kind: List`
 * (and any `*List` kind carrying an `items` array, which kubectl also flattens) is expanded.
 */
export function parseManifests(text: string, file: string, options: { kustomize?: boolean } = {}): SourceDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: true,
    merge: true,
    prettyErrors: true,
    lineCounter,
    customTags: kubectlTags,
  });
  // A stream without documents (only comments or directives) still carries its own errors.
  if ('empty' in docs) {
    const err = docs.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw invalidYaml(file, pos.line, pos.col, firstLine(err.message));
    }
    return [];
  }
  const out: SourceDocument[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
      throw invalidYaml(file, pos.line, pos.col, firstLine(err.message));
    }
    // JSON, and therefore the API server, has no representation for .inf and .nan.
    visit(doc, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value)) {
          const pos = lineCounter.linePos(node.range?.[0] ?? 0);
          throw invalidYaml(file, pos.line, pos.col, `${String(node.source ?? node.value)} is not a number JSON can represent`);
        }
      },
    });
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // The only failure left at this point is an alias bomb exceeding maxAliasCount.
      const pos = lineCounter.linePos(doc.range[0]);
      throw invalidYaml(file, pos.line, pos.col, (err as Error).message);
    }
    if (value === null || value === undefined) return;
    const source = { file, document: i + 1, ...(options.kustomize ? { kustomize: true } : {}) };
    const items = listItems(value);
    if (items === undefined) {
      out.push({ value, source });
      return;
    }
    items.forEach((item, j) => {
      if (item !== null && item !== undefined) out.push({ value: item, source: { ...source, item: j + 1 } });
    });
  });
  return out;
}

function listItems(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(items)) return undefined;
  return items as unknown[];
}
