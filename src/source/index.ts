export { GitSource, type Artifact, type FetchSpec, type GitSourceOptions } from './git-source.ts';
export type { CommitInfo } from './cache.ts';
export type { GitAuth, GitCommandEvent } from './exec.ts';
export type { GitRefSpec } from './refs.ts';
export { validateGitUrl, redactUrl, type GitUrl } from './url.ts';
