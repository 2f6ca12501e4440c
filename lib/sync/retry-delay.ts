/**
 * How long a repository waits after a failed sync, by the kind of failure (docs/porch-semantics.md §8.1): connection
 * problems clear up fast, bad credentials or a missing branch need a person, so retrying them often only adds load.
 * The kind is the failure code the git layer set where it knew it; anything else waits the shortest delay.
 */
import { type GitFailureCode, gitFailureOf } from '../git/index.js';

const DELAY_SECONDS: Record<GitFailureCode, number> = {
  auth: 600,
  policy: 600,
  'too-large': 600,
  'rate-limited': 300,
  tls: 300,
  'not-found': 120,
  refused: 120,
  timeout: 60,
  unreachable: 30,
  protocol: 30,
};

export function retryDelaySeconds(err: unknown): number {
  const code = gitFailureOf(err);
  return code ? DELAY_SECONDS[code] : 30;
}
