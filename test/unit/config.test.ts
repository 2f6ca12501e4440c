import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config.js';

/** The ConfigError thrown for `env`, so a test can check it names the variable. */
function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('applies the defaults to an empty environment (and treats "" as unset)', () => {
    const cfg = parseConfig({ PORT: '', LOCAL_TLS: '' });
    expect(cfg).toMatchObject({
      databaseSsl: 'off',
      databasePoolMax: 2,
      localPoolMax: 10,
      gitSecretPrefix: undefined,
      gitCredentialsFile: undefined,
      port: 8080,
      dataDir: join(tmpdir(), 'porch-serverless-data'),
      localUser: undefined,
      localTls: 'auto',
      syncIntervalSeconds: 30,
      syncFunctionName: undefined,
      syncFanoutConcurrency: 10,
      packageMaxFiles: 10_000,
      packageMaxBytes: 4 * 1024 * 1024,
      maxBodyDepth: 100,
      listMaxBytes: 4 * 1024 * 1024,
      databaseSslCaFile: undefined,
    });
  });

  it('reads every variable', () => {
    const cfg = parseConfig({
      DATABASE_SSL: 'verify',
      DATABASE_SSL_CA_FILE: '/etc/ca.pem',
      PACKAGE_MAX_FILES: '20',
      PACKAGE_MAX_BYTES: '2048',
      MAX_BODY_DEPTH: '30',
      LIST_MAX_BYTES: '65536',
      DATABASE_POOL_MAX: '7',
      GIT_SECRET_PREFIX: 'porch/git/',
      GIT_CREDENTIALS_FILE: '/etc/creds.json',
      PORT: '0',
      PORCH_DATA_DIR: '/var/porch',
      LOCAL_USER: 'dora',
      LOCAL_TLS: 'off',
      SYNC_INTERVAL_SECONDS: '3600',
      SYNC_FUNCTION_NAME: 'porch-sync-repository',
      SYNC_FANOUT_CONCURRENCY: '3',
    });
    expect(cfg).toMatchObject({
      databaseSsl: 'verify',
      databaseSslCaFile: '/etc/ca.pem',
      packageMaxFiles: 20,
      packageMaxBytes: 2048,
      maxBodyDepth: 30,
      listMaxBytes: 65536,
      databasePoolMax: 7,
      localPoolMax: 7,
      gitSecretPrefix: 'porch/git/',
      gitCredentialsFile: '/etc/creds.json',
      port: 0,
      dataDir: '/var/porch',
      localUser: 'dora',
      localTls: 'off',
      syncIntervalSeconds: 3600,
      syncFunctionName: 'porch-sync-repository',
      syncFanoutConcurrency: 3,
    });
  });

  it.each([
    ['PORT', '65536', 'PORT must be an integer in 0..65535, got "65536"'],
    ['PORT', 'http', 'PORT must be an integer in 0..65535, got "http"'],
    ['SYNC_INTERVAL_SECONDS', '0', 'SYNC_INTERVAL_SECONDS must be an integer in 1..86400, got "0"'],
    ['SYNC_INTERVAL_SECONDS', '1.5', 'SYNC_INTERVAL_SECONDS must be an integer in 1..86400, got "1.5"'],
    ['DATABASE_POOL_MAX', '101', 'DATABASE_POOL_MAX must be an integer in 1..100, got "101"'],
    ['SYNC_FANOUT_CONCURRENCY', 'ten', 'SYNC_FANOUT_CONCURRENCY must be an integer in 1..1000, got "ten"'],
    ['LOCAL_TLS', 'yes', 'LOCAL_TLS must be auto, on or off, got "yes"'],
    ['DATABASE_SSL', 'on', 'DATABASE_SSL must be off, require or verify, got "on"'],
    ['MAX_BODY_BYTES', '10', 'MAX_BODY_BYTES must be an integer ≥ 1024, got "10"'],
  ])('%s=%s fails naming the variable', (key, value, message) => {
    expect(errorOf({ [key]: value }).message).toBe(message);
  });
});
