import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { parseInfraConfig, type InfraConfig } from '../../infra/config.js';
import { addPorchStacks, type PorchStacks } from '../../infra/porch-app.js';
import { PROJECT_ROOT, ServiceFunction } from '../../infra/constructs/service-function.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SynthesizedApp {
  app: App;
  config: InfraConfig;
  stacks: PorchStacks;
  stateful: Template;
  stateless: Template;
  /** Logical ID of a function of the stateless stack, by handler name (`approval`, `sync-repository`, …). */
  functionId(name: string): string;
}

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<
  string,
  unknown
>;

const cache = new Map<string, SynthesizedApp>();

/**
 * Synthesises the two stacks from context values as `cdk -c` would pass them. Without `bundling`, assets are not
 * built (fast); apps are cached per file, so tests in one file share them.
 */
export function synthPorch(
  context: Record<string, unknown> = {},
  options: { bundling?: boolean; outdir?: string } = {},
): SynthesizedApp {
  const key = JSON.stringify([context, options]);
  const hit = cache.get(key);
  if (hit) return hit;
  const app = new App({
    outdir: options.outdir,
    // cdk.json's context (feature flags) too, so tests synthesise what `cdk synth` does.
    context: { ...CDK_JSON_CONTEXT, ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const config = parseInfraConfig((k) => context[k]);
  // INFRA_TEST_FUNCTIONS_DIR (a directory under the project) lets the template tests run while a handler is still
  // being written; unset, they use functions/ and fail on a missing handler, as synth would.
  const stacks = addPorchStacks(app, config, { functionsDir: process.env.INFRA_TEST_FUNCTIONS_DIR });
  const byName = new Map<string, string>();
  for (const node of stacks.stateless.node.findAll()) {
    if (node instanceof ServiceFunction) {
      byName.set(node.handlerName, stacks.stateless.getLogicalId(node.node.defaultChild as CfnFunction));
    }
  }
  const result: SynthesizedApp = {
    app,
    config,
    stacks,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
    functionId(name) {
      const id = byName.get(name);
      if (!id) throw new Error(`no function for functions/${name}.ts`);
      return id;
    },
  };
  cache.set(key, result);
  return result;
}

/** The handlers a deployment runs, one per file in functions/. */
export const API_FUNCTIONS = [
  'discovery',
  'repositories',
  'packages',
  'package-revisions',
  'package-revision-resources',
  'approval',
  'rbac',
];
export const ALL_FUNCTIONS = [...API_FUNCTIONS, 'sync-fanout', 'sync-repository', 'migrate', 'event-relay', 'watch'];

/** A JWT configuration for tests. */
export const JWT = { jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'porch-api' };
