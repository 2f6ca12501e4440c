import { Document } from 'yaml';

/** File kpt and Porch keep the package context in, at the package root. */
export const PACKAGE_CONTEXT_FILE = 'package-context.yaml';

/** Name of the package-context ConfigMap (kpt's builtin `kptfile.kpt.dev`). */
export const PACKAGE_CONTEXT_NAME = 'kptfile.kpt.dev';

/**
 * Text of `package-context.yaml`: a local-config ConfigMap whose `data.name` is the package's name. `init` writes
 * the placeholder name `example`; a clone into a deployment repository writes the package name and, as Porch
 * does, its `package-path` (the package path, prefixed by the parent's when `spec.parent` is set).
 */
export function packageContextYaml(name: string, packagePath?: string): string {
  const data: Record<string, string> = { name };
  if (packagePath) data['package-path'] = packagePath;
  const doc = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: PACKAGE_CONTEXT_NAME, annotations: { 'config.kubernetes.io/local-config': 'true' } },
    data,
  });
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

/**
 * Adds the deployment package context to cloned files (Porch: clone into a `deployment: true` repository,
 * docs/porch-semantics.md §6).
 */
export function addDeploymentContext(
  files: Record<string, string>,
  name: string,
  packagePath: string,
): Record<string, string> {
  return { ...files, [PACKAGE_CONTEXT_FILE]: packageContextYaml(name, packagePath) };
}
