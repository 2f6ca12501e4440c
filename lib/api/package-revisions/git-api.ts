/** The lib/git functions this service uses, in one place. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export { publishRevision } from '../../git/publish-revision.js';
export { deletePublishedRevision } from '../../git/delete-revision.js';
export { readDirectoryAtRef } from '../../git/read-directory.js';

const load = (path: string): Promise<any> => import(path);

export const resolveGitAuth = async (...args: any[]) => (await load('../../git/auth.js')).resolveGitAuth(...args);
