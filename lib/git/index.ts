/** The git layer's public surface: discovery for sync, publish/delete writers for approval, clone-from-git. */
export { listRemoteRefs, listRefsWithPrefix } from './list-remote-refs.js';
export { discoverRevisions, type DiscoverOptions, type RevisionKey } from './discover-revisions.js';
export { publishRevision, type PublishResult } from './publish-revision.js';
export { pushPublishTag, type PublishInput, type PublishTagResult } from './publish-tag.js';
export { pushPublishBranch, type PublishBranchResult } from './publish-branch.js';
export { findOwnTag } from './publish-own-tag.js';
export { deletePublishedRevision, type DeleteInput } from './delete-revision.js';
export { readDirectoryAtRef, type GitSource } from './read-directory.js';
export { ensureBranch } from './ensure-branch.js';
export { resolveGitAuth } from './resolve-auth.js';
export { resolveAuthor, PORCH_SIGNATURE } from './signature.js';
export { GitContentError, GitError, type GitFailureCode, gitFailureOf } from './errors.js';
export { fullPath, normalizeDirectory, partitionRefs, tagRef } from './ref-names.js';
export type * from './types.js';
