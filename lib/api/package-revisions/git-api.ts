/** The lib/git functions this service uses, in one place. */
export { publishRevision } from '../../git/publish-revision.js';
export { deletePublishedRevision } from '../../git/delete-revision.js';
export { readDirectoryAtRef } from '../../git/read-directory.js';
export { resolveGitAuth } from '../../git/resolve-auth.js';
export { hasCredentials, splitCredentials } from '../../git/url-credentials.js';
