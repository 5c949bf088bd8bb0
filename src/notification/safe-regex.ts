import { Script, createContext } from 'node:vm';
import type { Context } from 'node:vm';

/** Longer messages are tested on their first 64 KiB only: a backtracking pattern costs at least linear time in what it reads. */
export const MAX_TESTED_LENGTH = 64 * 1024;

/**
 * Runs user-written regular expressions against messages under a time limit. The patterns come
 * from Alerts, so a catastrophic one (`(a+)+$`) must not stall the controller: V8 can interrupt a
 * regular expression only through a vm script's watchdog, so the test runs as one.
 */
export class SafeRegex {
  private readonly timeoutMs: number;
  private readonly script = new Script('patterns.some((p) => p.test(text))');
  private context: Context | undefined;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? 100;
  }

  /** Whether any pattern matches; undefined when the patterns ran out of time. */
  anyMatch(patterns: readonly RegExp[], text: string): boolean | undefined {
    if (patterns.length === 0) return false;
    // One context for the lifetime of this object: creating one costs far more than a test.
    this.context ??= createContext({});
    this.context.patterns = patterns;
    this.context.text = text.length > MAX_TESTED_LENGTH ? text.slice(0, MAX_TESTED_LENGTH) : text;
    try {
      return this.script.runInContext(this.context, { timeout: this.timeoutMs }) === true;
    } catch {
      return undefined;
    } finally {
      // Keep no message alive between calls.
      this.context.patterns = undefined;
      this.context.text = undefined;
    }
  }
}
