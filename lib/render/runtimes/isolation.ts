/**
 * Functions get no network: a local process runs in a new, empty network namespace (`unshare -rn`) when this
 * machine allows it. Probed once per process.
 */
import { spawnSync } from 'node:child_process';

let probed: boolean | undefined;

/** Whether `unshare -rn` works here. */
export function canIsolateNetwork(): boolean {
  probed ??= spawnSync('unshare', ['-rn', 'true'], { timeout: 3000, stdio: 'ignore' }).status === 0;
  return probed;
}

/** The command line that runs `command args` without network, or undefined when isolation is not possible. */
export function withoutNetwork(command: string, args: string[]): [string, string[]] | undefined {
  return canIsolateNetwork() ? ['unshare', ['-rn', command, ...args]] : undefined;
}

/** The environment a function process sees: a fixed PATH, no proxies, no credentials of this service. */
export const functionEnv = (): NodeJS.ProcessEnv => ({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
});
