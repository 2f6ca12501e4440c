/** The Repository kind's spec and status schemas (docs/porch-semantics.md §1.1). */
import { bool, enumOf, free, int, list, obj, str, time } from './openapi-types.js';
import { condition } from './openapi-meta.js';

const secretRef = obj(
  'Credentials for the remote: the name of a secret holding a username and password (or token), or a bearer token.',
  { name: str('Name of the secret, in the Repository namespace.') },
  ['name'],
);

export const repositorySpec = obj('What to sync and how.', {
  description: str('Free text describing the repository.'),
  deployment: bool(
    'Marks a deployment repository: its packages are ready to deploy, and revisions report status.deployment.',
  ),
  type: enumOf(['git', 'oci'], 'Kind of repository; only git is synced by this service. Cannot be changed.'),
  content: str('Deprecated; the only accepted value is Package, which is also the default.'),
  sync: obj('When to read the repository again, besides the service default period.', {
    runOnceAt: time('Ask for one sync at this time; changing it asks again.'),
    schedule: str('A cron expression (UTC) for periodic full syncs, e.g. "*/10 * * * *".'),
  }),
  git: obj(
    'Where the git repository is and how to write to it.',
    {
      repo: str('HTTP(S) address of the git repository. Required; cannot be changed.'),
      branch: str('Branch packages are published on; default main. Cannot be changed.'),
      createBranch: bool('Create the branch on first publish when it does not exist.'),
      directory: str('Directory of the repository that holds the packages; default the root. Cannot be changed.'),
      secretRef,
      author: str('Fixed commit author name for commits this service writes; default the caller.'),
      email: str('Fixed commit author email for commits this service writes.'),
    },
    ['repo'],
  ),
  oci: obj(
    'An OCI registry holding packages (accepted, not synced by this service).',
    { registry: str('Address of the registry.'), secretRef },
    ['registry'],
  ),
});

export const repositoryStatus = obj('What the last sync found; set by the server.', {
  conditions: list('Ready (True after a good sync; False with reason Error or Reconciling otherwise).', condition),
  lastFullSyncTime: time('When the last complete sync finished.'),
  nextFullSyncTime: time('When the next scheduled sync is due.'),
  observedGeneration: int('The spec generation the last sync used.'),
  observedRunOnceAt: time('The runOnceAt the last sync answered.'),
  packageCount: int('Number of package revisions found in the repository.'),
  gitCommitHash: str('Head commit of the branch at the last sync.'),
  sync: free('Counts of the last sync: cached-only, in both, external-only revisions, and its duration.'),
});
