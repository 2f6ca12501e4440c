/** Transport settings for tests: the default bounds, loopback allowed (every test server is on 127.0.0.1). */
import { type AllowedNetworks, type GitLimits, parseConfig } from '../../lib/config.js';
import type { TransportSettings } from '../../lib/git/http-client.js';
import type { InflateBudget } from '../../lib/git/pack-file.js';

export const LOOPBACK_ONLY: AllowedNetworks = parseConfig({ GIT_ALLOWED_NETWORKS: '127.0.0.1/32' }).gitAllowedNetworks;
export const NOTHING_ALLOWED: AllowedNetworks = parseConfig({ GIT_ALLOWED_NETWORKS: 'none' }).gitAllowedNetworks;

/** The default bounds with `overrides`. */
export const testLimits = (overrides: Partial<GitLimits> = {}): GitLimits => ({
  ...parseConfig({}).gitLimits,
  ...overrides,
});

export const testSettings = (overrides: Partial<TransportSettings> = {}): TransportSettings => ({
  timeoutMs: 5000,
  limits: testLimits(),
  allowed: LOOPBACK_ONLY,
  ...overrides,
});

/** A fresh inflate budget with the default bounds. */
export const testBudget = (overrides: Partial<GitLimits> = {}): InflateBudget => ({
  ...testLimits(overrides),
  inflated: { bytes: 0 },
});
