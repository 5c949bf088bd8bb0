import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { API_VERSION } from './constants.ts';
import { ConditionsSchema } from './condition.ts';
import type { KindDefinition } from './kind-definition.ts';
import { ObjectMetaSchema } from './object-meta.ts';
import { Defaulted, Duration, ObjectName, Strict, Timestamp } from './schema-kit.ts';
import type { Input } from './schema-kit.ts';

/**
 * Only schemes the fetcher supports, and nothing git would read as an option or a transport
 * helper (`-…`, `ext::…`): the host part may not start with "-".
 */
export const GIT_URL_PATTERN =
  '^((https?|ssh)://[^\\s/-][^\\s]*|file://[^\\s]+|[A-Za-z0-9][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[^\\s]+)$';

export const GitRepositoryRefSchema = Strict(
  {
    branch: Type.Optional(Type.String({ minLength: 1, description: 'A branch to follow.' })),
    tag: Type.Optional(Type.String({ minLength: 1, description: 'A tag to check out.' })),
    semver: Type.Optional(
      Type.String({ minLength: 1, description: 'A semver range; the highest tag that satisfies it is checked out.' }),
    ),
    commit: Type.Optional(
      Type.String({
        pattern: '^([0-9a-f]{40}|[0-9a-f]{64})$',
        errorMessage: 'must be a full commit SHA (40 or 64 lower-case hex digits)',
        description: 'A commit SHA to check out.',
      }),
    ),
  },
  {
    description:
      'The revision to check out. When several are set, commit wins over semver, semver over tag, and tag over branch.',
  },
);

export const GitRepositorySpecSchema = Strict(
  {
    url: Type.String({
      pattern: GIT_URL_PATTERN,
      errorMessage: 'must be an https://, http://, ssh://, file:// or user@host:path URL',
      description: 'The repository URL: https://, http://, ssh://, user@host:path or file://.',
    }),
    ref: Defaulted(GitRepositoryRefSchema, { branch: 'main' }),
    interval: Duration({ description: 'How often to look for a new revision, such as 1m or 1m30s.' }),
    timeout: Defaulted(Duration({ description: 'How long one Git operation may take.' }), '60s'),
    secretRef: Type.Optional(
      Strict(
        { name: ObjectName() },
        {
          description:
            'A Secret in the same namespace holding the credentials: a token or username and password for https, a private key and known_hosts for ssh.',
        },
      ),
    ),
    ignore: Type.Optional(
      Type.String({ description: 'Files of the checkout to leave out, in .gitignore syntax.' }),
    ),
    suspend: Defaulted(Type.Boolean({ description: 'Stop fetching new revisions; the last one stays available.' }), false),
  },
  { description: 'Which repository to fetch, at which ref, and how often.' },
);

export const GitCommitSchema = Type.Object(
  {
    sha: Type.String({ description: 'The full commit SHA.' }),
    message: Type.String({ description: 'The commit message.' }),
    author: Type.String({ description: 'The author, as "Name <email>".' }),
    time: Timestamp({ description: 'When the commit was authored.' }),
  },
  { description: 'The commit of the artifact.' },
);

export const GitArtifactSchema = Type.Object(
  {
    revision: Type.String({ description: 'The revision fetched, as <ref>@sha1:<sha>, such as main@sha1:1f2e….' }),
    commit: GitCommitSchema,
    lastUpdateTime: Timestamp({ description: 'When this revision was fetched.' }),
  },
  { description: 'The last revision fetched successfully; it stays while later fetches fail.' },
);

export const GitRepositoryStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({ format: 'int64', description: 'The .metadata.generation last reconciled.' }),
    ),
    conditions: Type.Optional(ConditionsSchema),
    artifact: Type.Optional(GitArtifactSchema),
    lastHandledReconcileAt: Type.Optional(
      Type.String({ description: 'The value of the governor.dev/reconcile-requested-at annotation last handled.' }),
    ),
  },
  { description: 'What the controller last observed.' },
);

export const GitRepositorySchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('GitRepository'),
  metadata: ObjectMetaSchema,
  spec: GitRepositorySpecSchema,
  status: Type.Optional(GitRepositoryStatusSchema),
});

export type GitRepositoryRef = Static<typeof GitRepositoryRefSchema>;
export type GitRepositorySpec = Static<typeof GitRepositorySpecSchema>;
export type GitRepositorySpecInput = Input<typeof GitRepositorySpecSchema>;
export type GitCommit = Static<typeof GitCommitSchema>;
export type GitArtifact = Static<typeof GitArtifactSchema>;
export type GitRepositoryStatus = Static<typeof GitRepositoryStatusSchema>;
export type GitRepository = Static<typeof GitRepositorySchema>;
export type GitRepositoryInput = Input<typeof GitRepositorySchema>;

export const GitRepositoryDefinition: KindDefinition = {
  kind: 'GitRepository',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  description: 'A Git repository at a ref, fetched at an interval: the source of Stacks.',
  spec: GitRepositorySpecSchema,
  status: GitRepositoryStatusSchema,
  revisionColumn: '.status.artifact.revision',
};
