const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as the CRDs accept them (`1m30s`, `10s`, `1.5h`) in milliseconds. */
export function parseDuration(text: string): number {
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += parseFloat(m[1]!) * UNIT_MS[m[2]!]!;
    matched += m[0];
  }
  if (!matched || matched !== text) throw new Error(`invalid duration "${text}"`);
  return Math.round(total);
}
