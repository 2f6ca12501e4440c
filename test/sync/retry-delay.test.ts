import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../lib/errors.js';
import { GitError, toGitError } from '../../lib/git/errors.js';
import { retryDelaySeconds } from '../../lib/sync/retry-delay.js';

describe('retryDelaySeconds', () => {
  it('follows Porch’s back-off by the failure code the git layer set', () => {
    const url = 'http://h/r.git';
    expect(retryDelaySeconds(toGitError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), url))).toBe(30);
    expect(retryDelaySeconds(new GitError('auth', 'authentication failed'))).toBe(600);
    expect(retryDelaySeconds(toGitError(new GitError('auth', 'authentication failed'), url))).toBe(600);
    expect(retryDelaySeconds(new GitError('not-found', 'branch "main" doesn\'t exist'))).toBe(120);
    expect(retryDelaySeconds(new GitError('timeout', 'timed out'))).toBe(60);
    expect(
      retryDelaySeconds(toGitError(Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), url)),
    ).toBe(300);
    expect(retryDelaySeconds(new GitError('rate-limited', 'slow down'))).toBe(300);
  });

  it('does not read messages: an error without a code waits the shortest delay', () => {
    expect(retryDelaySeconds(new UnavailableError('git: authentication failed for http://h (HTTP 401)'))).toBe(30);
    expect(retryDelaySeconds(new Error('something else'))).toBe(30);
  });
});
