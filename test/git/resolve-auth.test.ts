import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../lib/errors.js';
import { resolveGitAuth } from '../../lib/git/resolve-auth.js';

/** Secrets Manager faked at the SDK edge: answers GetSecretValue from a map and records the ids asked for. */
function fakeSecrets(values: Record<string, string>) {
  const asked: string[] = [];
  return {
    asked,
    client: {
      async send(command: GetSecretValueCommand) {
        const id = command.input.SecretId!;
        asked.push(id);
        if (!(id in values)) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
        return { SecretString: values[id] };
      },
    } as never,
  };
}

describe('resolveGitAuth', () => {
  it('needs no credentials without a secretRef', async () => {
    expect(await resolveGitAuth(undefined, 'ns', { settings: {} })).toBeUndefined();
  });

  it('reads <prefix><namespace>/<name> from Secrets Manager, basic or bearer, and caches it', async () => {
    const { client, asked } = fakeSecrets({
      'porch/git/team-a/basic': '{"username":"u","password":"p"}',
      'porch/git/team-a/token': '{"bearerToken":"t0k"}',
    });
    const settings = { gitSecretPrefix: 'porch/git/' };
    expect(await resolveGitAuth({ name: 'basic' }, 'team-a', { settings, secrets: client })).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(await resolveGitAuth({ name: 'token' }, 'team-a', { settings, secrets: client })).toEqual({
      bearerToken: 't0k',
    });
    await resolveGitAuth({ name: 'basic' }, 'team-a', { settings, secrets: client });
    expect(asked).toEqual(['porch/git/team-a/basic', 'porch/git/team-a/token']);
    await expect(resolveGitAuth({ name: 'nope' }, 'team-a', { settings, secrets: client })).rejects.toMatchObject({
      code: 422,
      message: 'git credentials: secretRef "team-a/nope" names no credentials',
    });
  });

  it('answers 503 when Secrets Manager fails for another reason, naming neither the secret id nor the error', async () => {
    const client = {
      async send() {
        throw Object.assign(new Error('Rate exceeded for arn:aws:secretsmanager:…'), { name: 'ThrottlingException' });
      },
    } as never;
    const settings = { gitSecretPrefix: 'porch/git/' };
    const err = await resolveGitAuth({ name: 'slow' }, 'team-a', { settings, secrets: client }).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe('git credentials for secretRef "team-a/slow" cannot be read now');
  });

  it('reads the local JSON file and names what is missing or malformed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porch-creds-'));
    const file = join(dir, 'creds.json');
    await writeFile(file, JSON.stringify({ 'ns/ok': { bearerToken: 'x' }, 'ns/bad': { user: 'x' } }));
    const settings = { gitCredentialsFile: file };
    expect(await resolveGitAuth({ name: 'ok' }, 'ns', { settings })).toEqual({ bearerToken: 'x' });
    await expect(resolveGitAuth({ name: 'missing' }, 'ns', { settings })).rejects.toMatchObject({
      code: 422,
      message: 'git credentials: secretRef "ns/missing" names no credentials',
    });
    await expect(resolveGitAuth({ name: 'bad' }, 'ns', { settings })).rejects.toMatchObject({
      code: 422,
      message: expect.stringMatching(/^git credentials: secretRef "ns\/bad" must hold/),
    });
    await expect(resolveGitAuth({ name: 'ok' }, 'ns', { settings: {} })).rejects.toBeInstanceOf(UnavailableError);
    await rm(dir, { recursive: true, force: true });
  });
});
