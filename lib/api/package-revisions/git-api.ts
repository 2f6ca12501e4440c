/** The lib/git functions this service uses, in one place. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export { publishRevision } from '../../git/publish-revision.js';

const load = (path: string): Promise<any> => import(path);

export const deletePublishedRevision = async (...args: any[]) =>
  (await load('../../git/delete-revision.js')).deletePublishedRevision(...args);
export const readDirectoryAtRef = async (...args: any[]) => (await load('../../git/read-directory.js')).readDirectoryAtRef(...args);
export const resolveGitAuth = async (...args: any[]) => (await load('../../git/auth.js')).resolveGitAuth(...args);
