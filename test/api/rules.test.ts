import { describe, expect, it } from 'vitest';
import { checkApproval } from '../../lib/api/package-revisions/approve.js';
import { parseCreateRequest, requireRepository } from '../../lib/api/package-revisions/create-request.js';
import { mergePatch } from '../../lib/contract/merge-patch.js';
import { checkTask } from '../../lib/api/package-revisions/task-check.js';
import { checkUpdateLifecycle } from '../../lib/api/package-revisions/update-rules.js';
import { checkResources } from '../../lib/api/package-revisions/kpt-resources.js';
import type { Lifecycle, PackageRevisionRow } from '../../lib/storage/types.js';

const row = (lifecycle: Lifecycle) => ({ name: 'r.p.w', lifecycle }) as PackageRevisionRow;
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('approval rules (docs/porch-semantics.md §4.4)', () => {
  const allowed: [Lifecycle, string][] = [
    ['Proposed', 'Published'],
    ['Proposed', 'Draft'],
    ['Published', 'DeletionProposed'],
    ['DeletionProposed', 'Published'],
  ];
  it.each(allowed)('%s → %s is allowed', (from, to) => expect(checkApproval(row(from), to)).toBe(to));
  const refused: [Lifecycle, string, string][] = [
    ['Draft', 'Published', 'cannot approve package with Draft lifecycle value; only Proposed packages can be approved'],
    ['Published', 'Published', "package with Published lifecycle value can only be updated to 'ProposeDeletion'"],
    ['Published', 'Draft', "package with Published lifecycle value can only be updated to 'ProposeDeletion'"],
    ['DeletionProposed', 'Draft', "package with DeletionProposed lifecycle value can only be updated to 'Published'"],
    [
      'Proposed',
      'DeletionProposed',
      'cannot update lifecycle DeletionProposed; only Published packages require approval for deletion',
    ],
    ['Proposed', 'Proposed', 'value for approval can be only one of Draft,Published'],
  ];
  it.each(refused)('%s → %s is refused', (from, to, text) =>
    expect(message(() => checkApproval(row(from), to))).toContain(text),
  );
});

describe('update lifecycle rules (docs/porch-semantics.md §4.2)', () => {
  it.each([
    ['Draft', 'Proposed'],
    ['Proposed', 'Draft'],
    ['Published', 'DeletionProposed'],
    ['DeletionProposed', 'Published'],
    ['Draft', undefined],
  ] as [Lifecycle, string | undefined][])('%s → %s is allowed', (from, to) => {
    expect(checkUpdateLifecycle(row(from), to)).toBe(to ?? from);
  });
  it.each([
    ['Draft', 'Published', '"Draft": value can be only updated to Draft,Proposed'],
    ['Proposed', 'DeletionProposed', '"Proposed": value can be only updated to Draft,Proposed'],
    ['Published', 'Draft', '"Draft": value can be only updated to Published,DeletionProposed'],
    ['DeletionProposed', 'Proposed', 'value can be only updated to Published,DeletionProposed'],
    ['Draft', 'Bogus', '"Bogus": value can be only updated to Draft,Proposed,Published,DeletionProposed'],
  ] as [Lifecycle, string, string][])('%s → %s is refused', (from, to, text) => {
    expect(message(() => checkUpdateLifecycle(row(from), to))).toContain(text);
  });
});

describe('create request', () => {
  it('requires namespace and repository (400)', () => {
    expect(message(() => requireRepository('', {}))).toBe('namespace must be specified');
    expect(message(() => requireRepository('ns', { spec: {} }))).toBe('spec.repositoryName is required');
  });
  it('reports every field problem at once', () => {
    const text = message(() =>
      parseCreateRequest({
        metadata: { labels: { 'kpt.dev/latest-revision': 'true' } },
        spec: { repository: 'r', packageName: 'A', workspaceName: 'B', lifecycle: 'Proposed' },
      }),
    );
    expect(text).toContain('metadata.labels[kpt.dev/latest-revision]: Forbidden');
    expect(text).toContain('spec.packageName: Invalid value: "A"');
    expect(text).toContain('spec.workspaceName: Invalid value: "B"');
    expect(text).toContain('spec.lifecycle: Invalid value: "Proposed": value can be only created as Draft');
  });
});

describe('task shape', () => {
  it.each([
    [{ type: 'push' }, 'task of type "push" not supported'],
    [{ type: '' }, 'task of type "" not supported'],
    [{ type: 'edit', edit: { sourceRef: {} } }, 'sourceRef.name is required'],
    [{ type: 'init', init: { subpackage: '../up' } }, 'init.subpackage "../up"'],
    [{ type: 'upgrade', upgrade: { oldUpstreamRef: { name: 'a' } } }, 'newUpstreamRef.name is required'],
  ])('%j → %s', (task, text) => expect(message(() => checkTask('n', task as never))).toContain(text));
});

describe('resource paths', () => {
  it.each(['/abs', '..', 'a/../b', 'a/./b', 'a//b', 'a\\b', '', 'x\u0000'])('refuses %j', (path) => {
    expect(message(() => checkResources('n', { [path]: 'x' }))).toContain('is invalid');
  });
  it('accepts nested relative paths', () =>
    expect(checkResources('n', { 'a/b.yaml': 'x', Kptfile: 'k' })).toBeTruthy());
});

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes with null, replaces arrays', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: null, x: 1 }, e: [2] })).toEqual({
      a: 1,
      b: { d: 3, x: 1 },
      e: [2],
    });
  });
});

describe('a PUT whose spec.lifecycle is null', () => {
  it('keeps the lifecycle, as an absent or empty one does (Kubernetes decodes null to the zero value "")', () => {
    for (const from of ['Draft', 'Proposed', 'Published', 'DeletionProposed'] as Lifecycle[]) {
      expect(checkUpdateLifecycle(row(from), null)).toBe(from);
    }
  });
});

describe('merge patch with a key named __proto__', () => {
  it('adds it as a key (a file of a PRR patch), as JSON.parse made it, instead of setting the prototype', () => {
    const patch = JSON.parse('{"spec":{"resources":{"__proto__":"x: 1\\n"}}}');
    const merged = mergePatch({ spec: { resources: { Kptfile: 'k' } } }, patch) as {
      spec: { resources: Record<string, string> };
    };
    expect(Object.keys(merged.spec.resources).sort()).toEqual(['Kptfile', '__proto__']);
    expect(Object.getPrototypeOf(merged.spec.resources)).toBe(Object.prototype);
  });
});

describe('a required field left out', () => {
  it('reads "<field>: Required value" as Kubernetes writes it, not "Required value: Required value"', () => {
    const text = message(() => parseCreateRequest({ spec: { repository: 'r', packageName: 'p' } }));
    expect(text).toContain('spec.workspaceName: Required value');
    expect(text).not.toContain('Required value: Required value');
  });
});
