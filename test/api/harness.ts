/**
 * One test file's world: a migrated database, a git server with a bare repository, a registered Repository, and
 * the three package-revision handlers driven with real API Gateway v2 events through the full middy stack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalOperations, packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { resourcesOperations } from '../../lib/api/resources/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpResult } from '../../lib/http/handler.js';
import { findRoute } from '../../lib/http/routes.js';
import { insertRepository } from '../../lib/storage/repositories.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { httpEvent, type EventOptions } from '../support/http-events.js';

export const NS = 'ns1';
export const PR = `/apis/porch.kpt.dev/v1alpha1/namespaces/${NS}/packagerevisions`;
export const PRR = `/apis/porch.kpt.dev/v1alpha1/namespaces/${NS}/packagerevisionresources`;

export interface Harness {
  tdb: TestDatabase;
  server: GitServer;
  root: string;
  repos: Record<string, FixtureRepo>;
  /** Sends a request to whichever of the three handlers serves it; answers status and parsed body. */
  call(method: string, path: string, options?: EventOptions): Promise<{ status: number; body: any; raw: HttpResult }>;
  /** Registers a Repository row (no sync) over a new bare repository `<name>.git` on the git server. */
  addRepository(
    name: string,
    opts?: { directory?: string; deployment?: boolean; branch?: string; url?: string },
  ): Promise<FixtureRepo>;
  close(): Promise<void>;
}

const silent = () => undefined;

/** The API over a fresh test database, or over `database` (e.g. one of a PostgreSQL the test restarts). */
export async function createHarness(opts: { maxBodyBytes?: number; database?: TestDatabase } = {}): Promise<Harness> {
  const tdb = opts.database ?? (await createTestDatabase({ poolMax: 6 }));
  const root = await mkdtemp(join(tmpdir(), 'porch-api-git-'));
  const server = await startGitServer(root);
  const deps = { database: async () => tdb.db, maxBodyBytes: opts.maxBodyBytes ?? 256 * 1024, log: silent };
  const handlers = {
    'package-revisions': createHttpHandler(packageRevisionOperations, createAccess, deps),
    approval: createHttpHandler(approvalOperations, createAccess, deps),
    'package-revision-resources': createHttpHandler(resourcesOperations, createAccess, deps),
  };
  const repos: Record<string, FixtureRepo> = {};
  return {
    tdb,
    server,
    root,
    repos,
    async call(method, path, options = {}) {
      const event = httpEvent(method, path, options);
      const route = findRoute(event.routeKey);
      const fn = (route?.fn ?? 'package-revisions') as keyof typeof handlers;
      const raw = await handlers[fn](event);
      return { status: raw.statusCode ?? 0, body: raw.body ? JSON.parse(raw.body) : undefined, raw };
    },
    async addRepository(name, opts = {}) {
      const repo = await createFixtureRepo(root, name, { branch: opts.branch });
      repos[name] = repo;
      const url = opts.url ?? `${server.url}/${name}.git`;
      const branch = opts.branch ?? 'main';
      await insertRepository(tdb.db, {
        namespace: NS,
        name,
        repoUrl: url,
        branch,
        directory: opts.directory ?? '',
        deployment: opts.deployment ?? false,
        spec: {
          type: 'git',
          content: 'Package',
          deployment: opts.deployment ?? false,
          git: { repo: url, branch, directory: opts.directory ?? '' },
        },
        updatedBy: 'test',
      });
      return repo;
    },
    async close() {
      await server.stop();
      await tdb.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A POST body for a new revision. */
export function newRevision(
  repository: string,
  packageName: string,
  workspaceName: string,
  extra: Record<string, unknown> = {},
) {
  const { spec, metadata } = extra as { spec?: object; metadata?: object };
  return {
    apiVersion: 'porch.kpt.dev/v1alpha1',
    kind: 'PackageRevision',
    metadata: { namespace: NS, ...(metadata ?? {}) },
    spec: { repository, packageName, workspaceName, ...(spec ?? {}) },
  };
}

/** The object with its lifecycle changed, ready to PUT. */
export const withLifecycle = (obj: any, lifecycle: string) => ({ ...obj, spec: { ...obj.spec, lifecycle } });
