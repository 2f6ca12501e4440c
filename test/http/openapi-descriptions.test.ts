import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiV2, openapiV3 } from '../../lib/api/discovery/openapi.js';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, runKubectl, writeKubeconfig } from '../support/kubectl.js';

type Schema = Record<string, any>;

/** Every property path under a schema that lacks a description (refs are checked where they are defined). */
function undescribed(schema: Schema, path: string, out: string[]) {
  if (schema.$ref) return;
  if (!schema.description) out.push(path);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    undescribed(child as Schema, `${path}.${name}`, out);
  if (schema.items && !schema.items.$ref) {
    const items = schema.items as Schema;
    if (items.properties)
      for (const [n, c] of Object.entries(items.properties)) undescribed(c as Schema, `${path}[].${n}`, out);
  }
}

describe('OpenAPI descriptions', () => {
  const documents = {
    v2: openapiV2().definitions as Record<string, Schema>,
    'v3 porch': (openapiV3('porch.kpt.dev').components as any).schemas as Record<string, Schema>,
    'v3 config': (openapiV3('config.porch.kpt.dev').components as any).schemas as Record<string, Schema>,
  };

  it.each(Object.entries(documents))('every field of every definition is described (%s)', (_, defs) => {
    const missing: string[] = [];
    for (const [id, schema] of Object.entries(defs)) undescribed(schema, id, missing);
    expect(missing).toEqual([]);
  });

  it('lists the lifecycle values and the task types as enums', () => {
    const spec = documents.v2['dev.kpt.porch.v1alpha1.PackageRevision']!.properties.spec.properties;
    expect(spec.lifecycle.enum).toEqual(['Draft', 'Proposed', 'Published', 'DeletionProposed']);
    expect(spec.tasks.items.properties.type.enum).toEqual(['init', 'clone', 'edit', 'upgrade']);
    expect(spec.tasks.items.properties.upgrade.properties.strategy.enum).toContain('resource-merge');
  });

  it('documents dryRun, fieldManager and force on writes, and apply where it is served', () => {
    const paths = openapiV3('porch.kpt.dev').paths as Record<string, any>;
    const item = paths['/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions/{name}'];
    const names = (op: any) => op.parameters.map((p: any) => p.name);
    expect(names(item.patch)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(names(item.delete)).toEqual(['dryRun']);
    expect(Object.keys(item.patch.requestBody.content)).toContain('application/apply-patch+yaml');
    const resources = paths['/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisionresources/{name}'];
    expect(Object.keys(resources.patch.requestBody.content)).toEqual(['application/merge-patch+json']);
  });
});

describe.skipIf(!hasKubectl)('kubectl explain', () => {
  let tdb: TestDatabase;
  let server: LocalServer;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'porch-explain-'));
    const handlers = createLocalHandlers({
      database: async () => tdb.db,
      log: () => undefined,
      requestSync: async () => undefined,
    });
    server = await startLocalServer({ port: 0, handlers, user: 'u', maxBodyBytes: 1 << 20, log: () => undefined });
    await writeKubeconfig(dir, { server: server.url, namespace: 'team', users: [{ name: 'me' }] });
  });
  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const explain = async (field: string) => {
    const { stdout, stderr, code } = await runKubectl(dir, 'explain', field);
    if (code !== 0) throw new Error(`kubectl explain ${field} failed: ${stderr}`);
    return stdout;
  };

  it('packagerevision.spec.lifecycle shows a description and the allowed values', async () => {
    const out = await explain('packagerevision.spec.lifecycle');
    expect(out).toContain('FIELD: lifecycle <string>');
    expect(out).toMatch(/ENUM:\s+Draft\s+Proposed\s+Published\s+DeletionProposed/);
    expect(out).toContain('Where the revision is in its life');
    expect(out).not.toContain('<no description>');
  });

  it('repository.spec.git lists described fields', async () => {
    const out = await explain('repository.spec.git');
    expect(out).toContain('HTTP(S) address of the git repository');
    expect(out).not.toContain('<no description>');
  });
});
