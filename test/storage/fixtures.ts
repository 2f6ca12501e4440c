/** Small builders for storage tests: a repository, revisions in each lifecycle, a published lock. */
import type { Database } from '../../lib/db/pool.js';
import { createPackageRevision, type NewPackageRevision } from '../../lib/storage/package-revisions.js';
import { publishPackageRevision } from '../../lib/storage/publish.js';
import { insertRepository } from '../../lib/storage/repositories.js';
import { updatePackageRevision } from '../../lib/storage/package-revisions.js';
import type { Files, Lock, PackageRevisionRow, RepositoryRow } from '../../lib/storage/types.js';

export const KPTFILE: Files = { Kptfile: 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n' };

export function addRepository(
  db: Database,
  namespace: string,
  name: string,
  extra: { branch?: string; directory?: string } = {},
): Promise<RepositoryRow> {
  return insertRepository(db, {
    namespace,
    name,
    repoUrl: `http://git.example/${name}.git`,
    branch: extra.branch ?? 'main',
    directory: extra.directory ?? '',
    spec: { type: 'git', git: { repo: `http://git.example/${name}.git`, branch: extra.branch ?? 'main' } },
    updatedBy: 'tester',
  });
}

export function tagLock(repo: string, path: string, revision: number): Lock {
  return {
    type: 'git',
    git: {
      repo: `http://git.example/${repo}.git`,
      directory: path,
      ref: `${path}/v${revision}`,
      commit: 'c'.repeat(40),
    },
  };
}

export function addDraft(
  db: Database,
  r: Partial<NewPackageRevision> & { namespace: string; repository: string; packagePath: string; workspace: string },
  files: Files = KPTFILE,
): Promise<PackageRevisionRow> {
  return createPackageRevision(db, { updatedBy: 'tester', ...r }, files);
}

/** Creates a draft, proposes it and publishes it as `revision`. */
export async function addPublished(
  db: Database,
  ns: string,
  repo: string,
  path: string,
  ws: string,
  revision: number,
  files: Files = KPTFILE,
): Promise<PackageRevisionRow> {
  const draft = await addDraft(db, { namespace: ns, repository: repo, packagePath: path, workspace: ws }, files);
  const proposed = await updatePackageRevision(
    db,
    ns,
    draft.name,
    draft.resourceVersion,
    { lifecycle: 'Proposed' },
    'tester',
  );
  const { revision: published } = await publishPackageRevision(db, {
    namespace: ns,
    name: draft.name,
    expectedResourceVersion: proposed.resourceVersion,
    revision,
    selfLock: tagLock(repo, path, revision),
    publishedBy: 'approver',
    branch: 'main',
    updatedBy: 'approver',
  });
  return published;
}
