/** The PackageRevision, PackageRevisionResources and PorchPackage schemas (docs/porch-semantics.md §1.2–§1.4, §6). */
import { LIFECYCLES } from '../../storage/types.js';
import { bool, enumOf, free, int, list, obj, str, strList, strMap, time } from './openapi-types.js';

export const TASK_TYPES = ['init', 'clone', 'edit', 'upgrade'] as const;
export const UPGRADE_STRATEGIES = ['resource-merge', 'fast-forward', 'force-delete-replace', 'copy-merge'] as const;

const revisionRef = (what: string) => obj(what, { name: str('Name of the PackageRevision.') });

const lock = (what: string) =>
  free(what, {
    type: str('Always git.'),
    git: free('The git location.', {
      repo: str('Address of the git repository.'),
      directory: str('Package path (without the Repository directory).'),
      ref: str('Tag, branch or draft ref the content is at.'),
      commit: str('Commit the ref pointed at; not-pushed for a revision that exists only in the database.'),
    }),
  });

const task = free('How the revision was made.', {
  type: enumOf(
    TASK_TYPES,
    'init starts an empty package; clone copies an upstream package; edit copies a published revision of the same package into a new draft; upgrade merges a new upstream revision into the package.',
  ),
  init: free('Options of init.', {
    subpackage: str('Initialise this subdirectory instead of the package root.'),
    description: str('Package description written to the Kptfile.'),
    keywords: strList('Keywords written to the Kptfile.'),
    site: str('Home page written to the Kptfile.'),
  }),
  clone: free('Options of clone.', {
    upstreamRef: free('The upstream package to copy.', {
      type: enumOf(['git', 'oci'], 'Where the upstream is; oci is not implemented.'),
      git: free('A package in a git repository that is not registered.', {
        repo: str('Address of the git repository.'),
        ref: str('Branch or tag; tried as <directory>/<ref> first.'),
        directory: str('Directory of the package in the repository; it must hold a Kptfile.'),
        secretRef: obj('Credentials for the repository.', { name: str('Name of the secret.') }),
      }),
      oci: free('An OCI image (not implemented).', { image: str('Image reference.') }),
      upstreamRef: revisionRef('A registered PackageRevision to copy.'),
    }),
  }),
  edit: free('Options of edit.', {
    sourceRef: revisionRef('The published revision of the same package to copy.'),
  }),
  upgrade: free('Options of upgrade.', {
    oldUpstreamRef: revisionRef('The upstream revision the package was cloned from.'),
    newUpstreamRef: revisionRef('The upstream revision to upgrade to.'),
    localPackageRevisionRef: revisionRef('The local revision whose changes are kept.'),
    strategy: enumOf(UPGRADE_STRATEGIES, 'How the three versions are merged; default resource-merge.'),
  }),
});

export const packageRevisionSpec = obj('The package revision as its authors define it.', {
  packageName: str('Path of the package in the repository (below the Repository directory), e.g. net/vpc.'),
  repository: str('Name of the Repository in the same namespace that holds the package.'),
  workspaceName: str('Name of this line of work on the package; unique per package, required on create.'),
  revision: int(
    'Published revision number: 1, 2, … once published; -1 for the revision that mirrors the branch head; absent while Draft or Proposed.',
  ),
  parent: revisionRef('Deprecated; only affects the generated package context.'),
  lifecycle: enumOf(
    LIFECYCLES,
    'Where the revision is in its life: Draft (editable, only in the database), Proposed (waiting for approval), Published (approved through the approval subresource and pushed to git as a tag), DeletionProposed (published, waiting for approval to be deleted). A new revision starts as Draft.',
  ),
  tasks: list('The task that created the revision; at most one on create.', task),
  readinessGates: list(
    'Condition types that must be True before the package counts as ready; mirrors the Kptfile info.readinessGates.',
    obj('One readiness gate.', { conditionType: str('The condition type to wait for.') }),
  ),
  packageMetadata: obj('Labels and annotations of the package itself; mirrors the Kptfile metadata.', {
    labels: strMap('Kptfile metadata.labels.'),
    annotations: strMap('Kptfile metadata.annotations.'),
  }),
});

export const packageRevisionStatus = obj('What the server knows about the revision; set by the server.', {
  upstreamLock: lock('The exact upstream this package was cloned or upgraded from; empty when none.'),
  selfLock: lock('Where this revision lives: its draft ref, or its tag and commit once published.'),
  publishedBy: str('Who approved the publish.'),
  publishTimestamp: time('When the revision was published; null until then.'),
  deployment: bool('True when the Repository is a deployment repository.'),
  conditions: list(
    'Conditions of the package (the Kptfile status.conditions).',
    free('One condition.', {
      type: str('Condition type.'),
      status: str('True, False or Unknown.'),
      reason: str('One-word cause.'),
      message: str('Human-readable detail.'),
    }),
  ),
});

export const resourcesSpec = obj('The files of a package revision.', {
  packageName: str('Last segment of the package path.'),
  workspaceName: str('Workspace of the revision.'),
  revision: int('Revision number, as on the PackageRevision.'),
  repository: str('Name of the Repository.'),
  resources: strMap(
    'Every file of the package: path relative to the package root → text content. A PUT replaces the whole set (Draft only).',
  ),
});

export const resourcesStatus = obj('Rendering outcome.', {
  renderStatus: free('Result of the last render of the kpt function pipeline.', {
    result: free('The kpt function results.'),
    error: str('Why rendering failed; empty when it did not.'),
  }),
});

export const packageSpec = obj('A package: every revision at one path of one repository.', {
  packageName: str('Last segment of the package path.'),
  repository: str('Name of the Repository.'),
});

export const packageStatus = obj('Computed from the revisions.', {
  latestRevision: int('Number of the latest published revision; absent when none.'),
});
