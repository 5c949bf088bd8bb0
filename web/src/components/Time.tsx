import { useNow } from '../hooks.ts';
import { absoluteTime, relativeTime } from '../lib/format.ts';

/** A time as "3m ago", the exact time in its tooltip and datetime attribute. */
export function Time({ iso, fallback = '—' }: { iso: string | undefined; fallback?: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
