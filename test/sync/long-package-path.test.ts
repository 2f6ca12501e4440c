import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { packageOperations } from '../../lib/api/packages/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { httpEvent, jsonBody } from '../support/http-events.js';
import { countingDeps, registerRepository, syncRow } from './support/sync-harness.js';

// Porch lists a package found in git whatever its path's length (16 of kpt's example packages are over 63
// characters); only the path given to create must be a DNS label without its slashes.
const LONG = 'examples/cert-manager-basic-issuer-w-cluster-issuer/tls-certificate-for-ingress-controller';
const api = '/apis/porch.kpt.dev/v1alpha1/namespaces/ns';
let t: TestDatabase;
let server: GitServer;
let root: string;

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'porch-longpath-'));
  server = await startGitServer(root);
  const repo = await createFixtureRepo(root, 'catalog');
  await repo.writePackage(`pkgs/${LONG}`, { 'cm.yaml': 'kind: ConfigMap\n' });
  await repo.commit('long');
  await repo.tag(`pkgs/${LONG}/v1`);
  await repo.push();
  await registerRepository(t.db, { name: 'catalog', url: `${server.url}/catalog.git`, directory: 'pkgs' });
});

afterAll(async () => {
  await server?.stop();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

describe('a package path longer than 63 characters', () => {
  it('is synced and listed, with its dotted name', async () => {
    expect(LONG.length).toBe(90);
    const { deps } = countingDeps();
    expect(await syncRepository(t.db, 'ns', 'catalog', deps)).toMatchObject({ ran: true, state: 'Ready' });
    expect((await syncRow(t.db, 'catalog')).skipped).toEqual([]);

    const dotted = `catalog.${LONG.replaceAll('/', '.')}`;
    const revisions = createHttpHandler(packageRevisionOperations, createAccess, {
      database: async () => t.db,
      log: () => {},
    });
    const list = jsonBody(await revisions(httpEvent('GET', `${api}/packagerevisions`)));
    expect(list.items.map((r: any) => [r.metadata.name, r.spec.packageName, r.spec.revision])).toEqual([
      [`${dotted}.main`, LONG, -1],
      [`${dotted}.v1`, LONG, 1],
    ]);
    const packages = createHttpHandler(packageOperations, createAccess, { database: async () => t.db, log: () => {} });
    const pkgs = jsonBody(await packages(httpEvent('GET', `${api}/packages`)));
    expect(pkgs.items.map((p: any) => p.metadata.name)).toEqual([dotted]);
  });
});
