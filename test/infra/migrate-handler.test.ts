import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/service-function.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** The deploy-time migration handler against a real, empty PostgreSQL database, as CloudFormation would call it. */
let test: TestDatabase;
let handler: (
  event: CloudFormationCustomResourceEvent,
) => Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }>;
const brokenDir = mkdtempSync(join(tmpdir(), 'porch-migrations-'));

const event = (RequestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent =>
  ({
    RequestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation.example/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/porch/1',
    RequestId: 'request-1',
    LogicalResourceId: 'Migrations',
    ResourceType: 'Custom::PorchMigrations',
    ResourceProperties: { ServiceToken: 'x', MigrationsDigest: 'abc' },
    ...(RequestType === 'Create'
      ? {}
      : { PhysicalResourceId: 'porch-serverless-migrations', OldResourceProperties: { ServiceToken: 'x' } }),
  }) as CloudFormationCustomResourceEvent;

beforeAll(async () => {
  test = await createTestDatabase({ migrate: false });
  process.env.DATABASE_URL = test.url;
  delete process.env.DATABASE_SECRET_ARN;
  ({ handler } = await import('../../functions/migrate.js'));
  cpSync(join(PROJECT_ROOT, 'migrations'), brokenDir, { recursive: true });
  writeFileSync(join(brokenDir, '9999_broken.sql'), 'create table ok_so_far (id int);\nthis is not sql;\n');
});

afterAll(async () => {
  const { closeDatabase } = await import('../../lib/db/pool.js');
  await closeDatabase();
  await test.drop();
  rmSync(brokenDir, { recursive: true, force: true });
});

const applied = async () =>
  (await test.db.query<{ name: string }>('select name from schema_migrations order by name')).rows.map((r) => r.name);

describe('functions/migrate.ts', () => {
  it('applies every migration on Create and keeps one physical id', async () => {
    delete process.env.MIGRATIONS_DIR;
    const result = await handler(event('Create'));
    expect(result.PhysicalResourceId).toBe('porch-serverless-migrations');
    expect(Number(result.Data?.Applied)).toBeGreaterThan(0);
    expect((await applied()).length).toBe(Number(result.Data?.Applied));
  });

  it('is a no-op on an Update with nothing pending', async () => {
    const before = await applied();
    expect(await handler(event('Update'))).toEqual({
      PhysicalResourceId: 'porch-serverless-migrations',
      Data: { Applied: '0' },
    });
    expect(await applied()).toEqual(before);
  });

  it('fails (so the deployment rolls back) on a broken migration, leaving nothing of it behind', async () => {
    const before = await applied();
    process.env.MIGRATIONS_DIR = brokenDir;
    try {
      await expect(handler(event('Update'))).rejects.toThrow(/syntax error/);
    } finally {
      delete process.env.MIGRATIONS_DIR;
    }
    expect(await applied()).toEqual(before);
    expect((await test.db.query("select to_regclass('ok_so_far') as t")).rows[0].t).toBeNull();
  });

  it('leaves the schema alone on Delete', async () => {
    const before = await applied();
    expect(await handler(event('Delete'))).toEqual({ PhysicalResourceId: 'porch-serverless-migrations' });
    expect(await applied()).toEqual(before);
  });
});
