import { jsonRequest } from './common.ts';
import { commitStatusTarget } from './commit-status.ts';
import type { CommitState } from './commit-status.ts';
import type { BuildRequest } from './types.ts';

/** GitLab's own words: `failed`, and `running` for work under way (its `pending` means not started). */
const GITLAB_STATE: Record<CommitState, string> = { success: 'success', failure: 'failed', pending: 'running' };

export const buildGitLab: BuildRequest = (event, ctx) => {
  const t = commitStatusTarget(event, ctx);
  if (!t) return undefined;
  // A GitLab project is its whole path, subgroups included, as one URL-encoded segment.
  const project = encodeURIComponent(t.repo.segments.join('/'));
  const url = `${t.apiBase ?? `${t.repo.origin}/api/v4`}/projects/${project}/statuses/${t.sha}`;
  const state = GITLAB_STATE[t.state];
  const request = jsonRequest(url, { state, name: t.context, description: t.description }, { 'PRIVATE-TOKEN': t.token });
  request.commitStatus = { key: `${url}\n${t.context}`, value: `${state}\n${t.description}` };
  return request;
};
