import { jsonRequest } from './common.ts';
import { commitStatusTarget, ownerRepo } from './commit-status.ts';
import type { BuildRequest } from './types.ts';

export const buildGitHub: BuildRequest = (event, ctx) => {
  const t = commitStatusTarget(event, ctx);
  if (!t) return undefined;
  const { owner, name, prefix } = ownerRepo(t.repo);
  // GitHub Enterprise Server serves its API under /api/v3 of the web host; github.com on its own host.
  const base = t.apiBase ?? (t.repo.host === 'github.com' ? 'https://api.github.com' : `${t.repo.origin}${prefix}/api/v3`);
  const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${t.sha}`;
  const request = jsonRequest(
    url,
    { state: t.state, context: t.context, description: t.description },
    { Accept: 'application/vnd.github+json', Authorization: `Bearer ${t.token}`, 'X-GitHub-Api-Version': '2022-11-28' },
  );
  request.commitStatus = { key: `${url}\n${t.context}`, value: `${t.state}\n${t.description}` };
  return request;
};
