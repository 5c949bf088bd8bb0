import { GovernorError, ErrorCodes } from '../errors.ts';
import type { KubeObject } from './types.ts';
import { parseManifests } from './yaml.ts';

export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Either annotation set to `disabled` leaves an object untouched (Flux's name is honoured for migrations). */
export const SUBSTITUTE_ANNOTATIONS = ['kustomize.toolkit.fluxcd.io/substitute', 'governor.dev/substitute'] as const;

export interface SubstituteOptions {
  /** Fail on a `${VAR}` that is unset and has no default, instead of replacing it with an empty string as Flux does. */
  strict?: boolean;
}

/** Merges variable maps in order: a later map's value wins (e.g. Stack over Cluster over ConfigMap). */
export function mergeVariables(...maps: ReadonlyArray<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const map of maps) if (map) Object.assign(out, map);
  return out;
}

/** Names that `${…}` could never reference are a mistake in the Stack, better reported than ignored. */
export function checkVariableNames(variables: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(variables)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new GovernorError(
        ErrorCodes.SubstitutionFailed,
        `substitution variable "${name}" has an invalid name: it must match ${VARIABLE_NAME.source}`,
        { details: { variable: name } },
      );
    }
  }
}

/** Index of the `}` closing the `{` at `open`, counting nested braces; -1 when unclosed. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Replaces `${VAR}`, `${VAR:=default}` and `${VAR:-default}` (the default, itself substituted,
 * applies when VAR is unset or empty); `$${…}` gives a literal `${…}`. A `${…}` that is not one
 * of these forms (`${1}`, `${a.b}`, `${#x}`) is left as written: it is far more likely a shell
 * script in a ConfigMap than a variable.
 */
export function substituteString(
  text: string,
  variables: Readonly<Record<string, string>>,
  onMissing: (name: string) => string,
): string {
  if (!text.includes('${')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const escaped = text.startsWith('$${', i);
    if (!escaped && !text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const open = escaped ? i + 2 : i + 1;
    const close = closingBrace(text, open);
    if (close === -1) {
      out += text.slice(i);
      break;
    }
    if (escaped) {
      out += text.slice(i + 1, close + 1);
      i = close + 1;
      continue;
    }
    const inner = text.slice(open + 1, close);
    const name = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(inner)?.[0];
    const rest = name === undefined ? inner : inner.slice(name.length);
    if (name === undefined || (rest !== '' && !rest.startsWith(':=') && !rest.startsWith(':-'))) {
      out += text.slice(i, close + 1);
    } else {
      const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (rest === '') out += value ?? onMissing(name);
      else out += value === undefined || value === '' ? substituteString(rest.slice(2), variables, onMissing) : value;
    }
    i = close + 1;
  }
  return out;
}

/** True when the whole text is one `${…}` (nested braces in a default included), e.g. `${REPLICAS}`. */
function isSingleReference(text: string): boolean {
  return text.startsWith('${') && closingBrace(text, 1) === text.length - 1;
}

/**
 * Characters a YAML 1.1 number, boolean or null can be made of. Anything else (spaces, quotes,
 * `:`, `#`, brackets, newlines) stays a string, so a variable can never add structure or strip
 * quotes; `:` also rules out sexagesimal, which kubectl leaves a string anyway.
 */
const PLAIN_TOKEN = /^[-+.~\w]+$/;

/**
 * Types a substituted value the way Flux's re-parse of the YAML text would, with the same YAML 1.1
 * rules as our parser (parseManifests, so kubectl's quirks such as dates staying strings hold):
 * `3` → 3, `true`/`yes` → true, `0644` → 420, `null`/`~` → null. Wrapping it in a flow sequence
 * keeps a lone `null` from reading as an empty document and a `-` or `---` from reading as syntax.
 * Whatever is not such a scalar, or is not valid JSON (`.inf`), stays the string it was.
 */
function retype(text: string): unknown {
  if (!PLAIN_TOKEN.test(text)) return text;
  let docs;
  try {
    docs = parseManifests(`[${text}]`, 'substituted value');
  } catch {
    return text;
  }
  const list = docs.length === 1 ? docs[0]?.value : undefined;
  if (!Array.isArray(list) || list.length !== 1) return text;
  const value: unknown = list[0];
  return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : text;
}

function substituteValue(value: unknown, replace: (s: string) => unknown): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, replace));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteValue(v, replace);
    return out;
  }
  return value;
}

export function substitutionDisabled(obj: KubeObject): boolean {
  const annotations = obj.metadata.annotations ?? {};
  return SUBSTITUTE_ANNOTATIONS.some((a) => annotations[a] === 'disabled');
}

/**
 * Substitutes variables in every string value of an object and returns a new object; keys are
 * left alone. Flux runs envsubst over the serialized YAML and parses it again, so
 * `replicas: ${REPLICAS}` becomes the integer the API server expects: a value that is exactly one
 * `${…}` is therefore typed like that (see retype), while a value with other text around the
 * reference (`img:${TAG}`) stays a string. Unlike Flux, a variable can never change the document's
 * structure (a value with a newline or `: ` is inserted verbatim).
 *
 * Limitation: quoting is lost at parse time, so `"${X}"` in the source is typed as well, where
 * Flux would keep a string (`mode: "${MODE}"` with MODE=0644 gives 420, not "0644").
 */
export function substituteObject(
  obj: KubeObject,
  variables: Readonly<Record<string, string>>,
  options: SubstituteOptions & { describe?: string } = {},
): KubeObject {
  if (substitutionDisabled(obj)) return obj;
  const onMissing = (name: string): string => {
    if (!options.strict) return '';
    const what = options.describe ?? `${obj.kind} ${obj.metadata.name}`;
    throw new GovernorError(ErrorCodes.SubstitutionFailed, `${what}: variable \${${name}} is not set and has no default`, {
      details: { variable: name, object: what },
    });
  };
  return substituteValue(obj, (s) => {
    const out = substituteString(s, variables, onMissing);
    // An empty result stays '' rather than YAML's null: an unset variable must not drop the field.
    return isSingleReference(s) ? retype(out) : out;
  }) as KubeObject;
}
