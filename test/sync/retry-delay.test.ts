import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../lib/sync/retry-delay.js';

describe('retryDelaySeconds', () => {
  it('follows Porch’s back-off by error kind', () => {
    expect(retryDelaySeconds('git: cannot reach http://h/r.git (ECONNREFUSED)')).toBe(30);
    expect(retryDelaySeconds('git: authentication failed for http://h/r.git (HTTP 401)')).toBe(600);
    expect(retryDelaySeconds('branch "main" doesn\'t exist')).toBe(120);
    expect(retryDelaySeconds('git: repository http://h/r.git not found (HTTP 404)')).toBe(120);
    expect(retryDelaySeconds('git: request timed out (http://h/r.git)')).toBe(60);
    expect(retryDelaySeconds('git: self-signed certificate in certificate chain')).toBe(300);
    expect(retryDelaySeconds('git: http://h answered HTTP 429 Too Many Requests')).toBe(300);
    expect(retryDelaySeconds('something else')).toBe(30);
  });
});
