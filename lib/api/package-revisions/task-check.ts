import { BadRequestError, invalidValue } from '../../errors.js';
import { resourcePathProblem } from '../../kpt/resource-validation.js';
import type { Task } from '../../kpt/types.js';
import { asRecord } from './request-fields.js';
import { invalidRevision } from './refs.js';

const BODY_MISSING: Record<string, string> = {
  init: 'init not set for task of type "init"',
  clone: 'clone not set for task of type "clone"',
  edit: 'edit not set for task of type "edit"',
  upgrade: 'upgrade field not set for task of type "upgrade"',
};

// The JSON types of Porch's Task fields (its Go structs): what Kubernetes' decoder would refuse with a 400.
type Shape = 'string' | 'string[]' | { [field: string]: Shape };
const ref: Shape = { name: 'string' };
const TASK_SHAPE: Shape = {
  type: 'string',
  init: { subpackage: 'string', description: 'string', keywords: 'string[]', site: 'string' },
  clone: {
    upstreamRef: {
      type: 'string',
      git: { repo: 'string', ref: 'string', directory: 'string', secretRef: ref },
      oci: { image: 'string' },
      upstreamRef: ref,
    },
    strategy: 'string',
  },
  edit: { sourceRef: ref },
  upgrade: { oldUpstreamRef: ref, newUpstreamRef: ref, localPackageRevisionRef: ref, strategy: 'string' },
};

const STRATEGIES = ['resource-merge', 'fast-forward', 'force-delete-replace', 'copy-merge'];

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);

function checkShape(value: unknown, shape: Shape, path: string): void {
  if (value === null || value === undefined) return; // null decodes to the zero value
  const want = typeof shape === 'string' ? (shape === 'string' ? 'string' : 'array') : 'object';
  if (typeOf(value) !== want) {
    throw new BadRequestError(
      `strict decoding error: wrong type of field ${path}: expected ${want}, got ${value === null ? 'null' : typeOf(value)}`,
    );
  }
  if (shape === 'string[]') {
    for (const [i, item] of (value as unknown[]).entries()) checkShape(item, 'string', `${path}[${i}]`);
  } else if (typeof shape === 'object') {
    for (const [key, sub] of Object.entries(shape))
      checkShape((value as Record<string, unknown>)[key], sub, `${path}.${key}`);
  }
}

/** Checks the single creating task's shape (type known, body present, source named); 422 with Porch's texts. */
export function checkTask(name: string, task: Task): void {
  const fail = (why: string, field = 'spec.tasks[0]') => {
    throw invalidRevision(name, invalidValue(field, task.type ?? '', why));
  };
  if (task === null)
    throw new BadRequestError('strict decoding error: wrong type of field spec.tasks[0]: expected object, got null');
  checkShape(task, TASK_SHAPE, 'spec.tasks[0]');
  const type = String(task?.type ?? '');
  if (!(type in BODY_MISSING)) fail(`task of type "${type}" not supported`, 'spec.tasks[0].type');
  const body = (task as unknown as Record<string, unknown>)[type];
  if (!body || typeof body !== 'object') fail(BODY_MISSING[type]!);
  if (type === 'clone') {
    const up = asRecord(task.clone!.upstreamRef);
    const byName = up.upstreamRef !== undefined && up.upstreamRef !== null;
    if (byName && !asRecord(up.upstreamRef).name)
      fail('upstreamRef.name is required', 'spec.tasks[0].clone.upstreamRef');
    if (!byName && up.oci && !up.git) fail('clone from OCI is not implemented', 'spec.tasks[0].clone.upstreamRef.oci');
    if (!byName && !up.git) {
      fail(
        'invalid clone source (neither of git, oci, nor upstream were specified)',
        'spec.tasks[0].clone.upstreamRef',
      );
    }
    if (!byName) {
      const git = asRecord(up.git);
      if (typeof git.repo !== 'string' || !git.repo)
        fail('clone.upstreamRef.git.repo is required', 'spec.tasks[0].clone.upstreamRef.git.repo');
      // Only smart HTTP is spoken (as for Repositories); another scheme would fail later as a retryable 503.
      if (!/^https?:\/\/[^/\s]+/.test(String(git.repo))) {
        fail(
          'clone.upstreamRef.git.repo must be an http:// or https:// URL of a git repository',
          'spec.tasks[0].clone.upstreamRef.git.repo',
        );
      }
    }
  }
  const subpackage = type === 'init' ? asRecord(task.init).subpackage : undefined;
  if (subpackage !== undefined && subpackage !== '') {
    const problem = typeof subpackage === 'string' ? resourcePathProblem(subpackage) : 'must be a string';
    if (problem) fail(`init.subpackage ${JSON.stringify(subpackage)}: ${problem}`, 'spec.tasks[0].init.subpackage');
  }
  if (type === 'edit' && !asRecord(task.edit!.sourceRef).name) {
    fail('sourceRef.name is required', 'spec.tasks[0].edit.sourceRef');
  }
  if (type === 'upgrade') {
    const u = asRecord(task.upgrade);
    if (
      u.strategy !== undefined &&
      u.strategy !== null &&
      u.strategy !== '' &&
      !STRATEGIES.includes(String(u.strategy))
    ) {
      fail(
        `unsupported upgrade strategy ${JSON.stringify(u.strategy)}; use one of ${STRATEGIES.join(', ')}`,
        'spec.tasks[0].upgrade.strategy',
      );
    }
    for (const key of ['oldUpstreamRef', 'newUpstreamRef', 'localPackageRevisionRef']) {
      if (!asRecord(u[key]).name) fail(`${key}.name is required`, `spec.tasks[0].upgrade.${key}`);
    }
  }
}
