import { describe, expect, it } from 'vitest';
import {
  annotateMessage,
  formatAnnotation,
  parseAnnotations,
  tasksFromHistory,
  workspaceFromMessage,
} from '../../../lib/kpt/commit-annotation.js';
import {
  approvalCommitMessage,
  deletePackageCommitMessage,
  draftCommitMessage,
  taskCommitText,
} from '../../../lib/kpt/commit-message.js';
import type { Task } from '../../../lib/kpt/types.js';

const init: Task = { type: 'init', init: { description: 'vpc description' } };

describe('formatAnnotation', () => {
  it('emits keys in Porch order and omits empty ones', () => {
    expect(formatAnnotation({ task: init, revision: 0, workspaceName: 'ws1', package: 'blue/net/vpc' })).toBe(
      'kpt:{"package":"blue/net/vpc","workspaceName":"ws1","revision":"0","task":{"type":"init","init":{"description":"vpc description"}}}',
    );
    expect(formatAnnotation({ package: 'p', workspaceName: '', revision: '' })).toBe('kpt:{"package":"p"}');
    expect(formatAnnotation({ package: 'p', revision: 3, task: null })).toBe('kpt:{"package":"p","revision":"3"}');
    expect(formatAnnotation({})).toBe('kpt:{}');
  });

  it('orders task fields as Porch does, whatever order the client sent', () => {
    const clone = {
      clone: {
        upstreamRef: { upstreamRef: { name: 'b.p.v1' }, git: { directory: 'd', ref: 'r', repo: 'u' }, type: 'git' },
      },
      type: 'clone',
    } as unknown as Task;
    expect(formatAnnotation({ task: clone })).toBe(
      'kpt:{"task":{"type":"clone","clone":{"upstreamRef":{"type":"git","git":{"repo":"u","ref":"r","directory":"d"},' +
        '"upstreamRef":{"name":"b.p.v1"}}}}}',
    );
    const upgrade = {
      upgrade: {
        strategy: 'copy-merge',
        localPackageRevisionRef: { name: 'l' },
        newUpstreamRef: { name: 'n' },
        oldUpstreamRef: { name: 'o' },
      },
      type: 'upgrade',
    } as unknown as Task;
    expect(formatAnnotation({ task: upgrade })).toBe(
      'kpt:{"task":{"type":"upgrade","upgrade":{"oldUpstreamRef":{"name":"o"},"newUpstreamRef":{"name":"n"},' +
        '"localPackageRevisionRef":{"name":"l"},"strategy":"copy-merge"}}}',
    );
  });

  it('escapes <, > and & as Go does, and stays on one line', () => {
    const line = formatAnnotation({ task: { type: 'init', init: { description: 'a <b> & c\nnext\u2028' } } });
    expect(line).toContain('a \\u003cb\\u003e \\u0026 c\\nnext\\u2028');
    expect(line).not.toContain('\n');
    expect(parseAnnotations(line)[0].task?.init?.description).toBe('a <b> & c\nnext\u2028');
  });

  it('appends to a message as Porch does', () => {
    expect(annotateMessage('Subject', { package: 'p' })).toBe('Subject\n\nkpt:{"package":"p"}\n');
  });
});

describe('parseAnnotations', () => {
  it('returns every kpt: line, trimming whitespace, in order', () => {
    const message =
      'Subject\n\nbody kpt: not at start\n  kpt:{"package":"a","revision":"1"}\r\nkpt:{"package":"b","task":{"type":"edit","edit":{"sourceRef":{"name":"x"}}}}\n';
    expect(parseAnnotations(message)).toEqual([
      { package: 'a', revision: '1' },
      { package: 'b', task: { type: 'edit', edit: { sourceRef: { name: 'x' } } } },
    ]);
  });

  it('skips malformed lines and keeps the others', () => {
    const message = [
      'kpt:{not json',
      'kpt:[1,2]',
      'kpt:null',
      'kpt:{"revision":3}',
      'kpt:{"package":{"a":1}}',
      'kpt:{"task":"init"}',
      'kpt:{"package":"ok","unknown":true}',
      'kpt:',
    ].join('\n');
    expect(parseAnnotations(message)).toEqual([{ package: 'ok' }]);
  });

  it('round-trips what formatAnnotation writes', () => {
    const a = { package: 'x/y', workspaceName: 'w', revision: '7', task: init };
    expect(parseAnnotations(annotateMessage('m', a))).toEqual([a]);
  });

  it('returns nothing for a message without annotations', () => {
    expect(parseAnnotations('')).toEqual([]);
    expect(parseAnnotations('Initial commit: Creating main branch')).toEqual([]);
  });
});

describe('readers', () => {
  it('finds the workspace of a tag revision', () => {
    const message =
      'kpt:{"package":"other","workspaceName":"no"}\nkpt:{"package":"p","revision":"2"}\nkpt:{"package":"p","workspaceName":"ws2"}\n';
    expect(workspaceFromMessage(message, 'p')).toBe('ws2');
    expect(workspaceFromMessage(message, 'q')).toBeUndefined();
  });

  it('recovers the task from history, stopping at init or clone', () => {
    const edit: Task = { type: 'edit', edit: { sourceRef: { name: 'r.p.v1' } } };
    const history = [
      approvalCommitMessage({ packagePath: 'p', workspaceName: 'ws', revision: 2 }),
      draftCommitMessage({ packagePath: 'p', workspaceName: 'ws', task: edit }),
      draftCommitMessage({ packagePath: 'p', workspaceName: 'other', task: init }),
      draftCommitMessage({ packagePath: 'p', workspaceName: 'ws', task: { type: 'render' } }),
    ];
    expect(tasksFromHistory(history, 'p', 'ws')).toEqual([edit]);
    const withInit = [
      ...history,
      draftCommitMessage({ packagePath: 'p', workspaceName: 'ws', task: init }),
      'never read',
    ];
    expect(tasksFromHistory(withInit, 'p', 'ws')).toEqual([init]);
    expect(tasksFromHistory(history, 'p', 'none')).toEqual([]);
  });

  it('stops reading a lazy history at the first init', () => {
    let read = 0;
    function* messages() {
      for (const m of ['x', draftCommitMessage({ packagePath: 'p', workspaceName: 'ws', task: init }), 'y', 'z']) {
        read++;
        yield m;
      }
    }
    expect(tasksFromHistory(messages(), 'p', 'ws')).toEqual([init]);
    expect(read).toBe(2);
  });

  it('matches legacy annotations by revision when workspaceName is empty', () => {
    const legacy =
      'Creating\n\nkpt:{"package":"p","revision":"v1","task":{"type":"clone","clone":{"upstreamRef":{}}}}\n';
    expect(tasksFromHistory([legacy], 'p', 'v1')).toEqual([{ type: 'clone', clone: { upstreamRef: {} } }]);
  });
});

describe('commit messages', () => {
  it('builds the draft commit message of docs/porch-semantics.md §7.4', () => {
    expect(draftCommitMessage({ packagePath: 'blue/vpc', workspaceName: 'ws', task: init })).toBe(
      'Creating new empty revision\n\n\nkpt:{"package":"blue/vpc","workspaceName":"ws","revision":"0",' +
        '"task":{"type":"init","init":{"description":"vpc description"}}}\n',
    );
    expect(draftCommitMessage({ packagePath: 'p', workspaceName: 'ws' })).toBe(
      'Intermediate commit: push\n\n\nkpt:{"package":"p","workspaceName":"ws","revision":"0","task":{"type":"push"}}\n',
    );
  });

  it('builds the approval commit message of docs/porch-semantics.md §7.4', () => {
    expect(approvalCommitMessage({ packagePath: 'blue/vpc', workspaceName: 'ws', revision: 3 })).toBe(
      'Approving package revision blue/vpc/3\n\nkpt:{"package":"blue/vpc","workspaceName":"ws","revision":"3"}\n',
    );
  });

  it('names each task as Porch does', () => {
    expect(['init', 'clone', 'edit', 'upgrade', 'push', 'render', ''].map(taskCommitText)).toEqual([
      'Creating new empty revision',
      'Creating new revision by cloning',
      'Creating new revision by copying previous revision',
      'Upgrading revision',
      'Intermediate commit: push',
      'Rendering package',
      'Intermediate commit',
    ]);
    expect(deletePackageCommitMessage('blue/vpc')).toBe('Delete blue/vpc');
  });
});
