/**
 * Child process for hostile-server tests: lists refs and fetches the branch of the URL given, with the bounds of
 * its environment (GIT_*), then prints one JSON line: the outcome and the process's peak RSS in bytes.
 */
import { config } from '../../lib/config.js';
import { discoverRevisions, gitFailureOf, listRemoteRefs } from '../../lib/git/index.js';

const url = process.argv[2]!;
const remote = { url, branch: 'main', directory: '', timeoutMs: config().gitTimeoutMs };
const started = Date.now();
let outcome: Record<string, unknown>;
try {
  await discoverRevisions(remote, await listRemoteRefs(remote));
  outcome = { ok: true };
} catch (err) {
  outcome = {
    ok: false,
    failure: gitFailureOf(err),
    status: (err as { code?: unknown }).code,
    message: String((err as Error).message),
  };
}
process.stdout.write(
  `${JSON.stringify({ ...outcome, ms: Date.now() - started, peakRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
process.exit(0);
