/**
 * One RBAC test file's world: a migrated database, a git server with a bare repository per namespace, Repositories
 * registered in team-a and team-b, every function's handler, and callers holding real signed tokens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpResult } from '../../../lib/http/handler.js';
import { findRoute, type FunctionName } from '../../../lib/http/routes.js';
import { createLocalHandlers } from '../../../lib/local/handlers.js';
import { insertRepository } from '../../../lib/storage/repositories.js';
import { createTestIssuer, ISSUER, type TestIssuer } from '../../auth/support/issuer.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createFixtureRepo } from '../../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../../support/git-server.js';
import { httpEvent, type EventOptions } from '../../support/http-events.js';

export const NAMESPACES = ['team-a', 'team-b'];
export const RBAC = '/apis/rbac.authorization.k8s.io/v1';
export const pr = (ns: string) => `/apis/porch.kpt.dev/v1alpha1/namespaces/${ns}/packagerevisions`;
export const userOf = (sub: string) => `${ISSUER}#${sub}`;

export interface Reply {
  status: number;
  body: any;
  raw: HttpResult;
}

export interface World {
  tdb: TestDatabase;
  issuer: TestIssuer;
  /** A token for `sub` in `groups`. */
  token(sub: string, groups?: string[]): Promise<string>;
  call(token: string, method: string, path: string, options?: EventOptions): Promise<Reply>;
  /** A digest of every table's rows: equal before and after means nothing changed. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const tdb = await createTestDatabase({ poolMax: 6 });
  const issuer = await createTestIssuer();
  const root = await mkdtemp(join(tmpdir(), 'porch-rbac-git-'));
  const server: GitServer = await startGitServer(root);
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: () => undefined,
    requestSync: async () => undefined,
    maxBodyBytes: 256 * 1024,
  });
  for (const namespace of NAMESPACES) {
    await createFixtureRepo(root, namespace);
    const url = `${server.url}/${namespace}.git`;
    await insertRepository(tdb.db, {
      namespace,
      name: 'blueprints',
      repoUrl: url,
      branch: 'main',
      directory: '',
      spec: { type: 'git', content: 'Package', git: { repo: url, branch: 'main', directory: '' } },
      updatedBy: 'test',
    });
  }
  return {
    tdb,
    issuer,
    token: (sub, groups = []) => issuer.sign({ sub, groups }),
    async call(token, method, path, options = {}) {
      const event = httpEvent(method, path, { ...options, authorizer: await issuer.authorize(token) });
      const fn = (findRoute(event.routeKey)?.fn ?? 'discovery') as FunctionName;
      const raw = await handlers[fn](event);
      return { status: raw.statusCode ?? 0, body: raw.body ? JSON.parse(raw.body) : undefined, raw };
    },
    async snapshot() {
      const { rows: tables } = await tdb.db.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      const parts: string[] = [];
      for (const { name } of tables) {
        const { rows } = await tdb.db.query<{ d: string }>(
          `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from "${name}" t`,
        );
        parts.push(`${name}:${rows[0]!.d}`);
      }
      return parts.join('\n');
    },
    async close() {
      await server.stop();
      await tdb.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
