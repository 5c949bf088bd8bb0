import { jsonRequest } from './common.ts';
import { commitStatusTarget, ownerRepo } from './commit-status.ts';
import type { BuildRequest } from './types.ts';

export const buildGitea: BuildRequest = (event, ctx) => {
  const t = commitStatusTarget(event, ctx);
  if (!t) return undefined;
  const { owner, name, prefix } = ownerRepo(t.repo);
  const base = t.apiBase ?? `${t.repo.origin}${prefix}/api/v1`;
  const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${t.sha}`;
  const request = jsonRequest(
    url,
    { state: t.state, context: t.context, description: t.description },
    { Accept: 'application/json', Authorization: `token ${t.token}` },
  );
  request.commitStatus = { key: `${url}\n${t.context}`, value: `${t.state}\n${t.description}` };
  return request;
};
