import { GoneError, InvalidError, type ResourceRef, type StatusCause } from '../../errors.js';
import type { RepositoryRow } from '../../storage/types.js';
import { CONFIG_GROUP, PORCH_GROUP, VERSION } from '../../api-groups.js';

export const GROUP = PORCH_GROUP;
export const API_VERSION = `${PORCH_GROUP}/${VERSION}`;
export const LATEST_LABEL = 'kpt.dev/latest-revision';

/** How error messages name a package revision: `packagerevisions.porch.kpt.dev "<name>"`. */
export const revisionRef = (name: string): ResourceRef => ({ resource: 'packagerevisions', group: GROUP, name });

/** How error messages name a package revision's resources. */
export const resourcesRef = (name: string): ResourceRef => ({
  resource: 'packagerevisionresources',
  group: GROUP,
  name,
});

/** How error messages name a Repository. */
export const repositoryRef = (name: string): ResourceRef => ({
  resource: 'repositories',
  group: CONFIG_GROUP,
  name,
});

/** 422 `PackageRevision.porch.kpt.dev "<name>" is invalid: …`. */
export const invalidRevision = (name: string, ...causes: StatusCause[]) =>
  new InvalidError('PackageRevision', GROUP, name, causes);

/** 422 for a PackageRevisionResources object. */
export const invalidResources = (name: string, ...causes: StatusCause[]) =>
  new InvalidError('PackageRevisionResources', GROUP, name, causes);

export const MIGRATION_ANNOTATION = 'porch.kpt.dev/v1alpha2-migration';

/** Writes through v1alpha1 to a Repository managed by v1alpha2 are refused with 410 (docs/porch-semantics.md §11.2). */
export function checkNotMigrated(repo: RepositoryRow): void {
  if (repo.meta?.annotations?.[MIGRATION_ANNOTATION] === 'true') {
    throw new GoneError(`repository "${repo.name}" is managed by v1alpha2; use the v1alpha2 API`);
  }
}
