import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGitUrl } from './git-url.ts';

const cases: [string, { origin: string; host: string; segments: string[] } | undefined][] = [
  ['https://github.com/acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['https://github.com/acme/web', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['https://github.com/acme/web/', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['https://GitHub.com/acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['https://x-access-token:ghp_secret@github.com/acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['http://127.0.0.1:3000/acme/web.git', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1', segments: ['acme', 'web'] }],
  ['https://gitlab.com/group/sub/deeper/project.git', { origin: 'https://gitlab.com', host: 'gitlab.com', segments: ['group', 'sub', 'deeper', 'project'] }],
  ['ssh://git@github.com/acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['ssh://git@git.example.com:2222/acme/web.git', { origin: 'https://git.example.com', host: 'git.example.com', segments: ['acme', 'web'] }],
  ['ssh://git@ssh.github.com:443/acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['git+ssh://git@gitlab.com/group/project.git', { origin: 'https://gitlab.com', host: 'gitlab.com', segments: ['group', 'project'] }],
  ['git://git.example.com/acme/web.git', { origin: 'https://git.example.com', host: 'git.example.com', segments: ['acme', 'web'] }],
  ['git@github.com:acme/web.git', { origin: 'https://github.com', host: 'github.com', segments: ['acme', 'web'] }],
  ['git@gitlab.com:group/sub/project.git', { origin: 'https://gitlab.com', host: 'gitlab.com', segments: ['group', 'sub', 'project'] }],
  ['gitea.example.com:acme/web', { origin: 'https://gitea.example.com', host: 'gitea.example.com', segments: ['acme', 'web'] }],
  ['git@gitea.example.com:/acme/web.git/', { origin: 'https://gitea.example.com', host: 'gitea.example.com', segments: ['acme', 'web'] }],
  ['https://git.example.com/gitea/acme/web.git', { origin: 'https://git.example.com', host: 'git.example.com', segments: ['gitea', 'acme', 'web'] }],
  ['https://git.example.com/acme/my%20repo.git', { origin: 'https://git.example.com', host: 'git.example.com', segments: ['acme', 'my repo'] }],
  ['https://github.com/acme', undefined],
  ['file:///srv/git/acme/web.git', undefined],
  ['/srv/git/acme/web.git', undefined],
  ['', undefined],
  ['not a url at all', undefined],
];

for (const [url, expected] of cases) {
  test(`parseGitUrl(${JSON.stringify(url)})`, () => {
    assert.deepEqual(parseGitUrl(url), expected);
  });
}
