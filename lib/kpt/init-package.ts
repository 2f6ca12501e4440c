import { Document } from 'yaml';
import { PACKAGE_CONTEXT_FILE, packageContextYaml } from './package-context.js';
import type { Files, InitTaskSpec } from './types.js';

/**
 * Files of a new package, laid out as `kpt pkg init` writes them (docs/porch-semantics.md §6): Kptfile, README.md and
 * package-context.yaml, inside `init.subpackage` when one is given. `packageName` is `spec.packageName`.
 */
export function generateInitPackage(packageName: string, init: InitTaskSpec = {}): Files {
  const dir = (init.subpackage ?? '').replace(/^\/+|\/+$/g, '');
  const at = (file: string) => (dir ? `${dir}/${file}` : file);
  return {
    [at('Kptfile')]: initKptfile(packageName, init),
    [at('README.md')]: initReadme(packageName, init.description ?? ''),
    [at(PACKAGE_CONTEXT_FILE)]: packageContextYaml('example'),
  };
}

/** Kptfile of a new package; `info` keeps kpt's field order and is `{}` when init gave nothing for it. */
export function initKptfile(packageName: string, init: InitTaskSpec = {}): string {
  const info: Record<string, unknown> = {};
  if (init.site) info.site = init.site;
  if (init.description) info.description = init.description;
  if (init.keywords?.length) info.keywords = init.keywords;
  const doc = new Document({
    apiVersion: 'kpt.dev/v1',
    kind: 'Kptfile',
    metadata: { name: packageName, annotations: { 'config.kubernetes.io/local-config': 'true' } },
    info,
  });
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

/**
 * README.md of a new package, in the layout `kpt pkg init` uses (name, description, then how to fetch, inspect and
 * apply the package with kpt), worded for this service.
 */
export function initReadme(packageName: string, description: string): string {
  const fence = '```';
  return [
    `# ${packageName}`,
    '',
    '## Description',
    description,
    '',
    '## Usage',
    '',
    '### Fetching',
    `\`kpt pkg get REPO_URI[.git]/PKG_PATH[@VERSION] ${packageName}\``,
    'Reference: https://kpt.dev/reference/cli/pkg/get/',
    '',
    '### Listing its resources',
    `\`kpt pkg tree ${packageName}\``,
    'Reference: https://kpt.dev/reference/cli/pkg/tree/',
    '',
    '### Applying it to a cluster',
    fence,
    `kpt live init ${packageName}`,
    `kpt live apply ${packageName} --reconcile-timeout=2m --output=table`,
    fence,
    'Reference: https://kpt.dev/reference/cli/live/',
    '',
  ].join('\n');
}
