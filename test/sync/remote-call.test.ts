import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../lib/errors.js';
import { remoteCall } from '../../lib/git/errors.js';

describe('remoteCall', () => {
  it('keeps a programming error as it is: a 500 without its message, not a retryable 503 showing it', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'tree')");
    await expect(remoteCall('http://127.0.0.1:1/r.git', () => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('turns a failure of the remote into a 503', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(remoteCall('http://127.0.0.1:1/r.git', () => Promise.reject(refused))).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});
