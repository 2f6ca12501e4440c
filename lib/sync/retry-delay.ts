/**
 * How long a repository waits after a failed sync, by the kind of failure (docs/porch-behaviour.md §8.1): connection
 * problems clear up fast, bad credentials or a missing branch need a person, so retrying them often only adds load.
 */
export function retryDelaySeconds(message: string): number {
  const m = message.toLowerCase();
  if (/authentication failed|http 401|http 403|unauthorized|forbidden|credentials/.test(m)) return 600;
  if (/rate limit|http 429|too many requests/.test(m)) return 300;
  if (/certificate|tls|ssl/.test(m)) return 300;
  if (/doesn't exist|not found|http 404|invalid|not synced/.test(m)) return 120;
  if (/timed out|timeout|etimedout/.test(m)) return 60;
  return 30;
}
