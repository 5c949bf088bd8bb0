/**
 * The object id of Flux and cli-utils inventories: `<namespace>_<name>_<group>_<kind>`. Kept
 * byte-compatible so an inventory reads the same to people (and tools) used to Flux.
 */
import { ErrorCodes, GovernorError } from '../errors.ts';
import type { ObjRef } from './types.ts';

const separator = '_';
/** RBAC names may contain `:`; cli-utils writes it as `__` so the id stays a valid key. */
const colonTranscoded = '__';

export function formatId(ref: ObjRef): string {
  const name = ref.name.replaceAll(':', colonTranscoded);
  return [ref.namespace, name, ref.group, ref.kind].join(separator);
}

/**
 * Namespaces, groups and kinds cannot contain `_`, so the first and the last two separators are
 * unambiguous; whatever lies between is the name.
 */
export function parseId(id: string): ObjRef {
  const first = id.indexOf(separator);
  const last = id.lastIndexOf(separator);
  const beforeLast = last > 0 ? id.lastIndexOf(separator, last - 1) : -1;
  if (first === -1 || beforeLast === -1 || beforeLast < first) {
    throw new GovernorError(ErrorCodes.InvalidObject, `malformed inventory id ${JSON.stringify(id)}: expected <namespace>_<name>_<group>_<kind>`, {
      details: { id },
    });
  }
  const name = id.slice(first + 1, beforeLast).replaceAll(colonTranscoded, ':');
  const kind = id.slice(last + 1);
  if (name === '' || kind === '' || name.includes(separator)) {
    throw new GovernorError(ErrorCodes.InvalidObject, `malformed inventory id ${JSON.stringify(id)}: expected <namespace>_<name>_<group>_<kind>`, {
      details: { id },
    });
  }
  return { namespace: id.slice(0, first), name, group: id.slice(beforeLast + 1, last), kind };
}

/** The inventory keeps the group in the id and only the version in `v`; this is the apiVersion. */
export function inventoryApiVersion(group: string, v: string): string {
  return v.includes('/') || !group ? v : `${group}/${v}`;
}
