/**
 * Reading unstructured objects the way kstatus' helpers do: a missing field or one of the wrong
 * type yields the default instead of an error.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a dotted path (`.status.readyReplicas`); undefined where the path breaks off. */
export function getField(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (key === '') continue;
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Only whole numbers count, as Go's int64 type switch in kstatus' GetIntField. */
export function getInt(obj: unknown, path: string, fallback: number): number {
  const value = getField(obj, path);
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

export function getString(obj: unknown, path: string, fallback: string): string {
  const value = getField(obj, path);
  return typeof value === 'string' ? value : fallback;
}

export type Condition = { type: string; status: string; reason: string; message: string };

/**
 * `status.conditions` as kstatus' typed conversion sees it. Returns an error string where that
 * conversion would fail, so the caller can report Unknown rather than guess.
 */
export function getConditions(obj: unknown): Condition[] | string {
  const raw = getField(obj, '.status.conditions');
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return 'status.conditions is not a list';
  const out: Condition[] = [];
  for (const item of raw) {
    if (!isRecord(item)) return 'status.conditions has an entry that is not an object';
    out.push({
      type: str(item['type']),
      status: str(item['status']),
      reason: str(item['reason']),
      message: str(item['message']),
    });
  }
  return out;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function findCondition(conditions: readonly Condition[], type: string, status?: string): Condition | undefined {
  return conditions.find((c) => c.type === type && (status === undefined || c.status === status));
}
