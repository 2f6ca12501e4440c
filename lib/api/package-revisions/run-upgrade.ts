import type { Queryable } from '../../db/queryable.js';
import { invalidValue } from '../../errors.js';
import type { Files, Lock, Task } from '../../kpt/types.js';
import type { PackageRevisionRow } from '../../storage/types.js';
import { invalidRevision } from './refs.js';
import { getResources } from '../../storage/resources.js';
import { upgradeFiles } from './upgrade-merge.js';

export interface UpgradeDeps {
  find(field: string, name: string): Promise<PackageRevisionRow>;
  isPlaceholder(row: PackageRevisionRow): Promise<boolean>;
}

const published = (row: PackageRevisionRow) => row.lifecycle === 'Published' || row.lifecycle === 'DeletionProposed';

/**
 * The upgrade task (docs/porch-semantics.md §6, §4.5 step 9): checks its three references, then merges with the
 * requested strategy.
 */
export async function runUpgrade(
  q: Queryable,
  target: { namespace: string; name: string; package: string },
  task: Task,
  deps: UpgradeDeps,
): Promise<Files> {
  const up = task.upgrade!;
  const base = 'spec.tasks[0].upgrade';
  const fail = (field: string, value: string, why: string): never => {
    throw invalidRevision(target.name, invalidValue(field ? `${base}.${field}` : base, value, why));
  };
  const oldUp = await deps.find(`${base}.oldUpstreamRef.name`, up.oldUpstreamRef.name);
  const newUp = await deps.find(`${base}.newUpstreamRef.name`, up.newUpstreamRef.name);
  const local = await deps.find(`${base}.localPackageRevisionRef.name`, up.localPackageRevisionRef.name);
  for (const row of [oldUp, newUp, local]) {
    if (row.package === target.package && !published(row)) {
      fail('', row.name, `all source PackageRevisions of upgrade task must be published, "${row.name}" is not`);
    }
  }
  if (await deps.isPlaceholder(newUp)) {
    fail(
      'newUpstreamRef.name',
      newUp.name,
      `target upstream revision may not be the placeholder package revision ${newUp.repository}/${newUp.name}`,
    );
  }
  if (await deps.isPlaceholder(local)) {
    fail(
      'localPackageRevisionRef.name',
      local.name,
      `source revision may not be the placeholder package revision ${local.repository}/${local.name}`,
    );
  }
  const [oldFiles, newFiles, localFiles] = await Promise.all(
    [oldUp, newUp, local].map((r) => getResources(q, target.namespace, r.name)),
  );
  if (newFiles!['Kptfile'] === undefined) fail('newUpstreamRef.name', newUp.name, 'the new upstream has no Kptfile');
  const strategy = up.strategy ?? 'resource-merge';
  const result = upgradeFiles({
    oldUpstream: oldFiles!,
    newUpstream: newFiles!,
    local: localFiles!,
    newLock: newUp.selfLock as Lock,
    strategy,
  });
  if ('modified' in result) {
    fail(
      'strategy',
      strategy,
      `cannot fast-forward: the local package changed ${result.modified.join(', ')} since its upstream`,
    );
  }
  return (result as { files: Files }).files;
}
