import type { Alert, EventSource } from '../api/notification.ts';
import { parseDuration } from '../controller/duration.ts';
import type { NotificationEvent } from './event.ts';
import { SafeRegex } from './safe-regex.ts';
import { globMatches } from '../glob.ts';

/** Patterns longer than this are refused: nobody writes one by hand, and length is cost. */
export const MAX_PATTERN_LENGTH = 1024;

/** The default of Alert spec.repeatWindow, used when a stored Alert somehow has none that parses. */
export const DEFAULT_REPEAT_WINDOW_MS = 5 * 60_000;

export interface CompiledAlert {
  /** undefined when the Alert has no inclusionList, so every message is included. */
  include: RegExp[] | undefined;
  exclude: RegExp[];
  repeatWindowMs: number;
  /** What is wrong with the Alert, one line each, for its Ready condition; empty when nothing is. */
  errors: string[];
}

function compileList(list: readonly string[] | undefined, field: string, errors: string[]): RegExp[] {
  const out: RegExp[] = [];
  (list ?? []).forEach((pattern, i) => {
    if (pattern.length > MAX_PATTERN_LENGTH) {
      errors.push(`${field}[${i}] is longer than ${MAX_PATTERN_LENGTH} characters`);
      return;
    }
    try {
      out.push(new RegExp(pattern));
    } catch (err) {
      errors.push(`${field}[${i}] ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`);
    }
  });
  return out;
}

/**
 * Compiles an Alert's patterns once. Invalid ones are reported and left out, so matching never
 * throws; an inclusionList whose every pattern is invalid then includes nothing, which is safer
 * than sending everything.
 */
export function compileAlert(alert: Alert): CompiledAlert {
  const errors: string[] = [];
  const include = alert.spec.inclusionList === undefined ? undefined : compileList(alert.spec.inclusionList, 'inclusionList', errors);
  const exclude = compileList(alert.spec.exclusionList, 'exclusionList', errors);
  let repeatWindowMs = DEFAULT_REPEAT_WINDOW_MS;
  if (alert.spec.repeatWindow !== undefined) {
    try {
      repeatWindowMs = parseDuration(alert.spec.repeatWindow);
    } catch {
      errors.push(`repeatWindow ${JSON.stringify(alert.spec.repeatWindow)} is not a duration such as 5m or 1h30m`);
    }
  }
  return { include, exclude, repeatWindowMs, errors };
}

function sourceMatches(source: EventSource, alertNamespace: string, event: NotificationEvent): boolean {
  const obj = event.involvedObject;
  if (source.kind !== '*' && source.kind !== obj.kind) return false;
  if (!globMatches(source.name ?? '*', obj.name)) return false;
  if (!globMatches(source.namespace ?? alertNamespace, obj.namespace)) return false;
  for (const [key, value] of Object.entries(source.matchLabels ?? {})) {
    if (obj.labels?.[key] !== value) return false;
  }
  return true;
}

export interface MatchOptions {
  /** The Alert compiled once by compileAlert; compiled here when absent. */
  compiled?: CompiledAlert;
  regex?: SafeRegex;
  /** Told when a list ran out of time; its patterns then count as not matching. */
  onTimeout?: (list: 'inclusionList' | 'exclusionList') => void;
}

/**
 * Why the Alert does not send this event, or undefined when it does. The reason is for debug
 * logs: it names the filter, never the message.
 */
export function explainMismatch(alert: Alert, event: NotificationEvent, opts: MatchOptions = {}): string | undefined {
  if (alert.spec.suspend) return 'the Alert is suspended';
  if ((alert.spec.eventSeverity ?? 'info') === 'error' && event.severity !== 'error') return 'the Alert sends errors only';
  const alertNamespace = alert.metadata.namespace ?? 'default';
  if (!alert.spec.eventSources.some((s) => sourceMatches(s, alertNamespace, event))) return 'no event source selects the object';
  const compiled = opts.compiled ?? compileAlert(alert);
  const regex = opts.regex ?? new SafeRegex();
  if (compiled.include !== undefined) {
    const included = regex.anyMatch(compiled.include, event.message);
    if (included === undefined) opts.onTimeout?.('inclusionList');
    if (!included) return 'no inclusionList pattern matches the message';
  }
  const excluded = regex.anyMatch(compiled.exclude, event.message);
  if (excluded === undefined) opts.onTimeout?.('exclusionList');
  if (excluded) return 'an exclusionList pattern matches the message';
  return undefined;
}

export function alertMatches(alert: Alert, event: NotificationEvent, opts: MatchOptions = {}): boolean {
  return explainMismatch(alert, event, opts) === undefined;
}
