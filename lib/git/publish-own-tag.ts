/**
 * A retried approval finds its own earlier tag: when an approval pushed tag N and then failed (the database write,
 * the reply), the database does not know N, and another draft of the package may have taken N+1 since. The retry
 * looks for a tag of a number the database does not know that holds this workspace's approval with the same package
 * tree, and completes that one instead of taking a new number.
 */
import { parseAnnotations } from '../kpt/commit-annotation.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo } from './local-repo.js';
import { holdsFiles } from './publish-tag.js';
import { fullPath, normalizeDirectory, parseRevision, TAGS } from './ref-names.js';
import type { Files, RemoteSpec } from './types.js';
import { fetchObjects } from './upload-pack.js';

/** Tags looked at, highest numbers first: an earlier attempt's tag is among the newest. */
const MAX_CANDIDATES = 5;

/** The number of this workspace's tag with exactly these files among numbers not in `known`; undefined if none. */
export async function findOwnTag(
  remote: RemoteSpec,
  input: { packagePath: string; workspace: string; files: Files },
  known: ReadonlySet<number>,
): Promise<number | undefined> {
  const full = fullPath(normalizeDirectory(remote.directory), input.packagePath);
  const prefix = `${TAGS}${full}/`;
  return remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      const tags = await listRefsWithPrefix(remote, prefix);
      const candidates = Object.entries(tags)
        .map(([ref, oid]) => ({
          n: ref.slice(prefix.length).includes('/') ? 0 : parseRevision(ref.slice(prefix.length)),
          oid,
        }))
        .filter((c) => c.n > 0 && !known.has(c.n))
        .sort((a, b) => b.n - a.n)
        .slice(0, MAX_CANDIDATES);
      if (candidates.length === 0) return undefined;
      // With blobs: which files of a tag's tree are resources depends on their content.
      await fetchObjects(
        repo,
        candidates.map((c) => c.oid),
        { depth: 1 },
      );
      for (const c of candidates) {
        const { message, tree } = repo.store.commit(c.oid);
        const ours = parseAnnotations(message).some(
          (a) => a.package === full && a.revision === String(c.n) && a.workspaceName === input.workspace,
        );
        if (ours && holdsFiles(repo, tree, full, input.files)) return c.n;
      }
      return undefined;
    }),
  );
}
