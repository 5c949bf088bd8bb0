import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGovernorError } from '../errors.ts';
import { redactUrl, validateGitUrl } from './url.ts';

const closed = { allowFileUrls: false };
const open = { allowFileUrls: true };

test('https, http, ssh and scp-like URLs are accepted; http is marked insecure', () => {
  assert.deepEqual(validateGitUrl('https://git.example.com/org/repo.git', closed), {
    url: 'https://git.example.com/org/repo.git',
    scheme: 'https',
    host: 'git.example.com',
    insecure: false,
  });
  assert.equal(validateGitUrl('http://127.0.0.1:8080/r.git', closed).insecure, true);
  assert.equal(validateGitUrl('ssh://git@github.com:22/org/repo.git', closed).scheme, 'ssh');
  assert.deepEqual(validateGitUrl('git@github.com:org/repo.git', closed), {
    url: 'git@github.com:org/repo.git',
    scheme: 'ssh',
    host: 'github.com',
    insecure: false,
  });
  assert.equal(validateGitUrl('file:///srv/git/repo.git', open).scheme, 'file');
});

test('dangerous or unsupported URLs are GitUrlRejected', () => {
  const rejected = [
    '',
    'ext::sh -c "touch /tmp/x"',
    'ext::ssh',
    'fd::3',
    'hg::https://example.com/repo',
    'persistent-https::x',
    '-uploadpack=touch',
    '--upload-pack=touch /tmp/x',
    'git://example.com/repo.git',
    'ftp://example.com/repo.git',
    '/srv/git/repo.git',
    './repo',
    'file:///srv/git/repo.git',
    'ssh://-oProxyCommand=touch%20x/repo',
    'ssh://-oProxyCommand=x@host/repo',
    '-oProxyCommand=x:repo',
    'git@-host:repo',
    'git@host:-repo',
    'https://example.com/repo\n.git',
    'https://example.com/a b.git',
    'ssh://host',
  ];
  for (const url of rejected) {
    assert.throws(() => validateGitUrl(url, closed), (e) => isGovernorError(e, 'GitUrlRejected'), url);
  }
  assert.throws(() => validateGitUrl('file://otherhost/repo.git', open), (e) => isGovernorError(e, 'GitUrlRejected'));
});

test('credentials in a URL are refused and never echoed', () => {
  const withCredentials = [
    'https://alice:hunter2hunter2@example.com/r.git',
    'https://tokenhunter2hunter2@example.com/r.git',
    'ssh://git:hunter2hunter2@host/r.git',
  ];
  for (const url of withCredentials) {
    assert.throws(
      () => validateGitUrl(url, closed),
      (e) => isGovernorError(e, 'GitUrlRejected') && !e.message.includes('hunter2') && !JSON.stringify(e.details).includes('hunter2'),
      url,
    );
  }
  assert.equal(redactUrl('fatal: https://a:b@h/x and http://c@h/y'), 'fatal: https://***@h/x and http://***@h/y');
  assert.equal(redactUrl('ssh://git@h/x ssh://git:pw@h/x'), 'ssh://git@h/x ssh://git:***@h/x');
});
