/** Bulk data for the API benchmark, written with set-based SQL (seconds for 100,000 rows). */
import type { Database } from '../../lib/db/pool.js';
import { insertRepository } from '../../lib/storage/repositories.js';

/** Registers a repository row (no sync). */
export async function addRepository(db: Database, ns: string, name: string, url: string) {
  await insertRepository(db, {
    namespace: ns,
    name,
    repoUrl: url,
    branch: 'main',
    directory: '',
    spec: { type: 'git', content: 'Package', git: { repo: url, branch: 'main', directory: '' } },
    updatedBy: 'bench',
  });
}

const KPTFILE = (name: string) =>
  `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${name}\n  annotations:\n    config.kubernetes.io/local-config: "true"\ninfo:\n  description: bench\n`;

/**
 * `packages` × `perPackage` Draft revisions (workspaces w0…) with a Kptfile each: list benchmarks do not depend on
 * the lifecycle, and drafts skip the latest-flag trigger, so seeding stays fast.
 */
export async function seedDrafts(db: Database, ns: string, repo: string, packages: number, perPackage: number) {
  await db.query(
    `insert into packages (namespace, name, repository, path, uid)
     select $1, $2 || '.p' || i, $2, 'p' || i, gen_random_uuid() from generate_series(0, $3 - 1) i`,
    [ns, repo, packages],
  );
  await db.query(
    `insert into package_revisions (namespace, name, package, repository, package_path, workspace, uid, tasks, self_lock)
     select $1, $2 || '.p' || i || '.w' || j, $2 || '.p' || i, $2, 'p' || i, 'w' || j, gen_random_uuid(),
            '[{"type":"init","init":{"description":"bench"}}]', '{"type":"git","git":{"repo":"x","directory":"p","ref":"drafts/p/w","commit":"not-pushed"}}'
       from generate_series(0, $3 - 1) i, generate_series(0, $4 - 1) j`,
    [ns, repo, packages, perPackage],
  );
  await db.query(
    `insert into resources (namespace, package_revision, path, content)
     select namespace, name, 'Kptfile', $3 from package_revisions where namespace = $1 and repository = $2`,
    [ns, repo, KPTFILE('bench')],
  );
  // Vacuumed as well as analyzed: autovacuum of the fresh rows would otherwise run during the measurements.
  await db.query('vacuum analyze');
}

/** One package with `count` Published revisions 1…count (database only) and the last one latest. */
export async function seedPublished(db: Database, ns: string, repo: string, pkg: string, count: number) {
  await db.query(
    `insert into packages (namespace, name, repository, path, uid) values ($1, $2 || '.' || $3, $2, $3, gen_random_uuid())`,
    [ns, repo, pkg],
  );
  // One statement: the latest trigger runs per row but each run is an index lookup.
  await db.query(
    `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid, tasks, self_lock, published_by, publish_timestamp)
     select $1, $2 || '.' || $3 || '.v' || n, $2 || '.' || $3, $2, $3, 'v' || n, n, 'Published', gen_random_uuid(),
            '[{"type":"init","init":{}}]', jsonb_build_object('type', 'git', 'git', jsonb_build_object('repo', 'x', 'directory', $3::text, 'ref', $3 || '/v' || n, 'commit', 'c')),
            'bench', now()
       from generate_series(1, $4) n`,
    [ns, repo, pkg, count],
  );
  await db.query(
    `insert into resources (namespace, package_revision, path, content)
     select namespace, name, 'Kptfile', $3 from package_revisions where namespace = $1 and package = $2`,
    [ns, `${repo}.${pkg}`, KPTFILE(pkg)],
  );
  // Vacuumed as well as analyzed: autovacuum of the fresh rows would otherwise run during the measurements.
  await db.query('vacuum analyze');
}
