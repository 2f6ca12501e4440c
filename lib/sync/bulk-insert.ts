import type { Database } from '../db/pool.js';
import { packageName, packageRevisionName, packageRevisionUid, packageUid } from '../names.js';
import type { DiscoveredRevisionInput } from '../storage/revision-sync.js';

const j = (v: unknown) => JSON.stringify(v ?? null);

/**
 * Inserts many new discovered revisions with their files in one transaction of three set-based statements
 * (packages, revisions, resources), instead of four statements per revision: a first sync of thousands of
 * revisions is bound by round trips. Plain inserts: a name that exists fails the whole batch with a constraint
 * error, and the caller falls back to the one-by-one upsert that handles it.
 */
export async function bulkInsertRevisions(
  db: Database,
  namespace: string,
  repository: string,
  inputs: DiscoveredRevisionInput[],
  updatedBy: string,
): Promise<void> {
  const names = inputs.map((d) => packageRevisionName(repository, d.packagePath, d.workspace));
  const pkgs = inputs.map((d) => packageName(repository, d.packagePath));
  const files = inputs.flatMap((d, i) =>
    Object.entries(d.files).map(([path, content]) => [names[i]!, path, content] as const),
  );
  await db.transaction(async (tx) => {
    const uniquePkgs = [...new Map(inputs.map((d, i) => [pkgs[i]!, d.packagePath])).entries()];
    await tx.query(
      `insert into packages (namespace, name, repository, path, uid, updated_by)
       select $1, n, $2, p, u::uuid, $3 from unnest($4::text[], $5::text[], $6::text[]) as t(n, p, u)
       on conflict (namespace, name) do nothing`,
      [
        namespace,
        repository,
        updatedBy,
        uniquePkgs.map(([n]) => n),
        uniquePkgs.map(([, p]) => p),
        uniquePkgs.map(([n]) => packageUid(namespace, n)),
      ],
    );
    await tx.query(
      `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle,
         uid, spec, tasks, self_lock, upstream_lock, conditions, published_by, publish_timestamp, updated_by)
       select $1, n, pk, $2, pp, ws, rv, lc, u::uuid, sp::jsonb, tk::jsonb, sl::jsonb, ul::jsonb, cd::jsonb, '', clock_timestamp(), $3
         from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[],
                     $12::text[], $13::text[], $14::text[], $15::text[]) as t(n, pk, pp, ws, rv, lc, u, sp, tk, sl, ul, cd)`,
      [
        namespace,
        repository,
        updatedBy,
        names,
        pkgs,
        inputs.map((d) => d.packagePath),
        inputs.map((d) => d.workspace),
        inputs.map((d) => d.revision),
        inputs.map((d) => d.lifecycle),
        names.map((n) => packageRevisionUid(namespace, n)),
        inputs.map((d) => j(d.spec ?? {})),
        inputs.map((d) => j(d.tasks)),
        inputs.map((d) => j(d.selfLock)),
        inputs.map((d) => j(d.upstreamLock)),
        inputs.map((d) => j(d.conditions ?? [])),
      ],
    );
    if (files.length > 0) {
      await tx.query(
        `insert into resources (namespace, package_revision, path, content)
         select $1, n, p, c from unnest($2::text[], $3::text[], $4::text[]) as t(n, p, c)`,
        [namespace, files.map((f) => f[0]), files.map((f) => f[1]), files.map((f) => f[2])],
      );
    }
  });
}
