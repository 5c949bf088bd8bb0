import type { ProviderSpec } from '../../api/notification.ts';
import type { NotificationEvent } from '../event.ts';

/** One HTTP POST, ready to send; the URL and headers may hold secrets and are never logged. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Set for commit statuses: `key` names the status (repository, commit, context) and `value`
   * what it says, so an unchanged status is not posted again.
   */
  commitStatus?: { key: string; value: string };
}

export interface ProviderContext {
  spec: ProviderSpec;
  /** The decoded data of the Provider's Secret; empty when it has none. */
  secret: Readonly<Record<string, string>>;
  /** The Alert's summary. */
  summary?: string;
  /** The Git URL of the source behind the event's object; the Git providers need it. */
  sourceUrl?: string;
}

/**
 * Builds the request for one event. Returns undefined when the provider has nothing to say about
 * the event (a commit status for an event without a commit); throws a GovernorError with code
 * InvalidProvider when the Provider cannot work as configured.
 */
export type BuildRequest = (event: NotificationEvent, ctx: ProviderContext) => OutgoingRequest | undefined;
