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
import { fullPath, normalizeDirectory, TAGS } from './ref-names.js';
import type { Files, RemoteSpec } from './types.js';
import { fetchObjects } from './upload-pack.js';

/** Tags looked at, highest numbers first: an earlier attempt's tag is among the newest. */
const MAX_CANDIDATES = 5;

/**
 * The number of this workspace's tag with exactly these files among `numbers` (those the database does not hold,
 * highest first); undefined if none. Only those tags are listed, so the cost does not grow with the package's tags.
 */
export async function findOwnTag(
  remote: RemoteSpec,
  input: { packagePath: string; workspace: string; files: Files },
  numbers: readonly number[],
): Promise<number | undefined> {
  if (numbers.length === 0) return undefined;
  const full = fullPath(normalizeDirectory(remote.directory), input.packagePath);
  const tagOf = (n: number) => `${TAGS}${full}/v${n}`;
  return remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      const tags = await listRefsWithPrefix(remote, ...numbers.map(tagOf));
      const candidates = numbers
        .filter((n) => tags[tagOf(n)])
        .slice(0, MAX_CANDIDATES)
        .map((n) => ({ n, oid: tags[tagOf(n)]! }));
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
