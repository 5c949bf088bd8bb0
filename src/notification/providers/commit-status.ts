import { commitOf } from '../event.ts';
import type { NotificationEvent } from '../event.ts';
import { truncate } from '../message.ts';
import { configError, required, resolveAddress, resolveToken } from './common.ts';
import { parseGitUrl } from './git-url.ts';
import type { GitRepoLocation } from './git-url.ts';
import type { ProviderContext } from './types.ts';

export type CommitState = 'success' | 'failure' | 'pending';

/** GitHub caps a status description at 140 characters and refuses longer ones. */
export const MAX_DESCRIPTION = 140;

export function commitState(event: NotificationEvent): CommitState {
  if (event.severity === 'error') return 'failure';
  if (event.reason === 'Progressing') return 'pending';
  return 'success';
}

/**
 * The status's name on the commit: one per object, so each Stack's status replaces its previous
 * one. The Alert's summary (a cluster name, say) keeps apart the statuses of the same Stack in
 * several clusters, which would otherwise overwrite each other.
 */
export function statusContext(event: NotificationEvent, summary: string | undefined): string {
  const obj = event.involvedObject;
  const context = `governor/${obj.kind.toLowerCase()}/${obj.namespace}/${obj.name}`;
  return summary ? truncate(`${context} (${summary})`, 255) : context;
}

export function statusDescription(event: NotificationEvent): string {
  return truncate(`${event.reason}: ${event.message.replace(/\s+/g, ' ').trim()}`, MAX_DESCRIPTION);
}

export interface CommitStatusTarget {
  repo: GitRepoLocation;
  sha: string;
  token: string;
  /** The Provider's address (its API's base URL) without a trailing slash, when it has one. */
  apiBase: string | undefined;
  state: CommitState;
  context: string;
  description: string;
}

/**
 * What every Git provider needs, or undefined when the event is not about a commit: only Stack
 * events name the commit that was applied, and only when the source URL behind it is known.
 */
export function commitStatusTarget(event: NotificationEvent, ctx: ProviderContext): CommitStatusTarget | undefined {
  if (event.involvedObject.kind !== 'Stack') return undefined;
  const sha = commitOf(event.revision);
  if (sha === undefined || ctx.sourceUrl === undefined) return undefined;
  const repo = parseGitUrl(ctx.sourceUrl);
  // The URL of a source may carry credentials, so it is not quoted.
  if (!repo) throw configError(`cannot tell the repository of ${event.involvedObject.kind} ${event.involvedObject.namespace}/${event.involvedObject.name} from its source URL`);
  const token = required(resolveToken(ctx.spec, ctx.secret, 'an API token'));
  const address = resolveAddress(ctx.spec, ctx.secret, false);
  return {
    repo,
    sha,
    token,
    apiBase: address === undefined ? undefined : required(address).replace(/\/+$/, ''),
    state: commitState(event),
    context: statusContext(event, ctx.summary),
    description: statusDescription(event),
  };
}

/** Owner and repository are the last two segments; anything before them is where the server is mounted (`https://host/git/owner/repo`). */
export function ownerRepo(repo: GitRepoLocation): { owner: string; name: string; prefix: string } {
  const segments = repo.segments;
  const prefix = segments.slice(0, -2).map((s) => '/' + encodeURIComponent(s)).join('');
  return { owner: segments[segments.length - 2]!, name: segments[segments.length - 1]!, prefix };
}
