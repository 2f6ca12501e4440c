import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../lib/errors.js';
import { listPackageRevisionResources, listPackageRevisions } from '../../lib/storage/package-revision-list.js';
import { updatePackageRevision } from '../../lib/storage/package-revisions.js';
import { listPackages } from '../../lib/storage/packages.js';
import type { ListOptions } from '../../lib/storage/types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDraft, addPublished, addRepository, KPTFILE } from './fixtures.js';

describe('listing package revisions', () => {
  let t: TestDatabase;
  const names = async (opts: ListOptions) =>
    (await listPackageRevisions(t.db, { namespace: 'ns', ...opts })).items.map((r) => r.name);

  beforeAll(async () => {
    t = await createTestDatabase();
    await addRepository(t.db, 'ns', 'blueprints');
    await addRepository(t.db, 'ns', 'deploy');
    await addRepository(t.db, 'other', 'blueprints');
    await addPublished(t.db, 'ns', 'blueprints', 'net/vpc', 'v1', 1);
    await addPublished(t.db, 'ns', 'blueprints', 'net/vpc', 'v2', 2);
    await addPublished(t.db, 'ns', 'blueprints', 'app', 'v1', 1);
    const labelled = await addDraft(t.db, {
      namespace: 'ns',
      repository: 'deploy',
      packagePath: 'vpc',
      workspace: 'edit',
      meta: { labels: { team: 'net', tier: '3' } },
      spec: { packageMetadata: { labels: { env: 'prod' } } },
    });
    await updatePackageRevision(t.db, 'ns', labelled.name, labelled.resourceVersion, { lifecycle: 'Proposed' }, 'x');
    await addDraft(t.db, {
      namespace: 'ns',
      repository: 'deploy',
      packagePath: 'app',
      workspace: 'ws',
      meta: { labels: { team: 'app', tier: '10' } },
    });
    await addDraft(t.db, { namespace: 'other', repository: 'blueprints', packagePath: 'app', workspace: 'ws' });
  });
  afterAll(() => t.drop());

  it('lists a namespace in name order', async () => {
    expect(await names({})).toEqual([
      'blueprints.app.main',
      'blueprints.app.v1',
      'blueprints.net.vpc.main',
      'blueprints.net.vpc.v1',
      'blueprints.net.vpc.v2',
      'deploy.app.ws',
      'deploy.vpc.edit',
    ]);
    const all = await listPackageRevisions(t.db, {});
    expect(all.items.map((r) => `${r.namespace}/${r.name}`).at(-1)).toBe('other/blueprints.app.ws');
  });

  it('reads a spec.revision beyond the integer range as Porch does, without a database error', async () => {
    // Go's Atoi fails past int64, which Porch reads as -1; a number past int32 names no revision.
    expect(await names({ fieldSelector: 'spec.revision=99999999999999999999' })).toEqual([
      'blueprints.app.main',
      'blueprints.net.vpc.main',
    ]);
    expect(await names({ fieldSelector: 'spec.revision=v3000000000' })).toEqual([]);
    expect(await names({ fieldSelector: 'spec.revision=-3000000000' })).toEqual([]);
  });

  it('applies every field selector', async () => {
    expect(await names({ fieldSelector: 'spec.repository=deploy' })).toEqual(['deploy.app.ws', 'deploy.vpc.edit']);
    expect(await names({ fieldSelector: 'spec.packageName=vpc' })).toEqual([
      'blueprints.net.vpc.main',
      'blueprints.net.vpc.v1',
      'blueprints.net.vpc.v2',
      'deploy.vpc.edit',
    ]);
    expect(await names({ fieldSelector: 'spec.packageName=net/vpc' })).toEqual([
      'blueprints.net.vpc.main',
      'blueprints.net.vpc.v1',
      'blueprints.net.vpc.v2',
    ]);
    expect(await names({ fieldSelector: 'spec.workspaceName=v1' })).toEqual([
      'blueprints.app.v1',
      'blueprints.net.vpc.v1',
    ]);
    expect(await names({ fieldSelector: 'spec.revision=v2' })).toEqual(['blueprints.net.vpc.v2']);
    expect(await names({ fieldSelector: 'spec.revision=main' })).toEqual([
      'blueprints.app.main',
      'blueprints.net.vpc.main',
    ]);
    expect(await names({ fieldSelector: 'spec.lifecycle=Draft,spec.lifecycle=Proposed' })).toEqual([
      'deploy.app.ws',
      'deploy.vpc.edit',
    ]);
    expect(await names({ fieldSelector: 'spec.lifecycle=Proposed' })).toEqual(['deploy.vpc.edit']);
    expect(await names({ fieldSelector: 'metadata.name=blueprints.net.vpc.v1' })).toEqual(['blueprints.net.vpc.v1']);
    expect(await names({ fieldSelector: 'metadata.name=blueprints.main' })).toEqual([
      'blueprints.app.main',
      'blueprints.net.vpc.main',
    ]);
    expect(await names({ fieldSelector: 'spec.packageMetadata.labels[env]=prod' })).toEqual(['deploy.vpc.edit']);
    expect(
      await names({ fieldSelector: 'spec.repository=blueprints,spec.lifecycle=Published,spec.packageName=app' }),
    ).toEqual(['blueprints.app.main', 'blueprints.app.v1']);
  });

  it('takes the namespace from the selector and refuses a conflicting one', async () => {
    const other = await listPackageRevisions(t.db, { fieldSelector: 'metadata.namespace=other' });
    expect(other.items.map((r) => r.name)).toEqual(['blueprints.app.ws']);
    await expect(
      listPackageRevisions(t.db, { namespace: 'ns', fieldSelector: 'metadata.namespace=other' }),
    ).rejects.toThrow('conflicting namespaces specified: "other" and "ns"');
  });

  it('applies label selectors, with kpt.dev/latest-revision as the flag', async () => {
    expect(await names({ labelSelector: 'kpt.dev/latest-revision=true' })).toEqual([
      'blueprints.app.v1',
      'blueprints.net.vpc.v2',
    ]);
    expect(await names({ labelSelector: 'kpt.dev/latest-revision' })).toEqual([
      'blueprints.app.v1',
      'blueprints.net.vpc.v2',
    ]);
    expect(await names({ labelSelector: '!kpt.dev/latest-revision' })).toHaveLength(5);
    expect(
      await names({ labelSelector: 'kpt.dev/latest-revision!=true', fieldSelector: 'spec.repository=blueprints' }),
    ).toEqual(['blueprints.app.main', 'blueprints.net.vpc.main', 'blueprints.net.vpc.v1']);
    expect(await names({ labelSelector: 'team=net' })).toEqual(['deploy.vpc.edit']);
    expect(await names({ labelSelector: 'team in (net, app)' })).toEqual(['deploy.app.ws', 'deploy.vpc.edit']);
    expect(await names({ labelSelector: 'team notin (net),spec.repository!=x' })).toHaveLength(6);
    expect(await names({ labelSelector: 'team!=net' })).toHaveLength(6);
    expect(await names({ labelSelector: 'team' })).toEqual(['deploy.app.ws', 'deploy.vpc.edit']);
    expect(await names({ labelSelector: '!team' })).toHaveLength(5);
    expect(await names({ labelSelector: 'tier>5' })).toEqual(['deploy.app.ws']);
    expect(await names({ labelSelector: 'tier<5' })).toEqual(['deploy.vpc.edit']);
  });

  it('treats SQL in a selector value as a plain value', async () => {
    expect(await names({ fieldSelector: "spec.repository=deploy' or '1'='1" })).toEqual([]);
    expect(await names({ fieldSelector: "spec.packageMetadata.labels[env') or true --]=prod" })).toEqual([]);
    expect(await names({ fieldSelector: "metadata.name=x'; drop table package_revisions; --" })).toEqual([]);
    expect(await names({})).toHaveLength(7);
  });

  it('pages with limit and an opaque continue token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listPackageRevisions(t.db, { namespace: 'ns', limit: 3, continue: token });
      seen.push(...page.items.map((r) => r.name));
      token = page.continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(await names({}));
    const acrossNamespaces: string[] = [];
    token = undefined;
    do {
      const page = await listPackageRevisions(t.db, { limit: 2, continue: token });
      acrossNamespaces.push(...page.items.map((r) => `${r.namespace}/${r.name}`));
      token = page.continue;
    } while (token);
    expect(acrossNamespaces).toHaveLength(8);
    await expect(listPackageRevisions(t.db, { namespace: 'ns', continue: 'bm90IGEgdG9rZW4' })).rejects.toThrow(
      BadRequestError,
    );
  });

  it('lists resources with their files, and packages with their latest revision', async () => {
    const page = await listPackageRevisionResources(t.db, { namespace: 'ns', fieldSelector: 'spec.repository=deploy' });
    expect(page.items.map((i) => [i.revision.name, i.files])).toEqual([
      ['deploy.app.ws', KPTFILE],
      ['deploy.vpc.edit', KPTFILE],
    ]);
    const pkgs = await listPackages(t.db, { namespace: 'ns' });
    expect(pkgs.items.map((p) => [p.name, p.packageName, p.latestRevision])).toEqual([
      ['blueprints.app', 'app', 1],
      ['blueprints.net.vpc', 'vpc', 2],
      ['deploy.app', 'app', null],
      ['deploy.vpc', 'vpc', null],
    ]);
    expect(
      (
        await listPackages(t.db, { namespace: 'ns', fieldSelector: 'spec.packageName=vpc,spec.repository=blueprints' })
      ).items.map((p) => p.name),
    ).toEqual(['blueprints.net.vpc']);
    const first = await listPackages(t.db, { namespace: 'ns', limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(
      (await listPackages(t.db, { namespace: 'ns', limit: 3, continue: first.continue })).items.map((p) => p.name),
    ).toEqual(['deploy.vpc']);
  });
});
