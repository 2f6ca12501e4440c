/**
 * Reading a package directory at a ref of any git URL: the source of a `clone` task from git (docs/porch-semantics.md
 * §6).
 */
import type { GitLock } from '../kpt/types.js';
import { GitContentError, remoteCall } from './errors.js';
import { listRemoteRefs } from './list-remote-refs.js';
import { withLocalRepo } from './local-repo.js';
import { findPackageAt, readPackageFiles } from './package-tree.js';
import { HEADS, TAGS } from './ref-names.js';
import type { Files, GitAuth } from './types.js';
import { splitCredentials } from './url-credentials.js';
import { fetchObjects } from './upload-pack.js';

export interface GitSource {
  url: string;
  auth?: GitAuth;
  timeoutMs: number;
}

/**
 * Files of the package at `directory` for `ref`, resolved as Porch does: `<directory>/<ref>` first, then `<ref>`,
 * each as a tag, then a branch; a full commit sha is taken as is. The directory must contain a Kptfile. Returns the
 * lock for the Kptfile's upstreamLock: {repo, directory, ref, commit}.
 */
export async function readDirectoryAtRef(
  source: GitSource,
  ref: string,
  directory: string,
): Promise<{ files: Files; lock: GitLock }> {
  const dir = directory.replace(/^\/+|\/+$/g, '');
  // Credentials in the URL authenticate this fetch only; the lock (and the Kptfile built from it) never holds them.
  const plain = splitCredentials(source.url);
  const auth = source.auth ?? plain.auth;
  const remote = { ...source, url: plain.url, ...(auth ? { auth } : {}), branch: 'main', directory: '' };
  return remoteCall(plain.url, async () => {
    const commit = /^[0-9a-f]{40}$/.test(ref) ? ref : await resolveRef(remote, ref, dir);
    return withLocalRepo(remote, async (repo) => {
      await fetchObjects(repo, [commit], { depth: 1 });
      const pkg = findPackageAt(repo.store, repo.store.commit(commit).tree, dir);
      if (!pkg)
        throw new GitContentError(`cannot find package ${dir}@${ref}: no Kptfile in "${dir || '/'}" of ${plain.url}`);
      const files = readPackageFiles(repo.store, pkg);
      return { files, lock: { repo: plain.url, directory: dir, ref, commit } };
    });
  });
}

async function resolveRef(remote: GitSource & { branch: string; directory: string }, ref: string, dir: string) {
  const refs = await listRemoteRefs(remote);
  const tried = (dir ? [`${dir}/${ref}`, ref] : [ref]).flatMap((name) => [TAGS + name, HEADS + name]);
  const found = tried.find((full) => refs[full]);
  if (found) return refs[found]!;
  throw new GitContentError(`cannot find git reference (tried ${tried.join(', ')}) in ${remote.url}`);
}
