import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePathProblem } from '../../../lib/kpt/resource-validation.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// validateResourcePath must refuse what the resources_path_safe CHECK refuses and accept what it accepts, so a bad
// path gets a clear 422 before it reaches the database. The CHECK is read from the migrated schema itself.
const paths = [
  '',
  '/a',
  'a/',
  'a//b',
  'a\\b',
  '.',
  '..',
  './a',
  'a/.',
  'a/./b',
  '../a',
  'a/..',
  'a/../b',
  'Kptfile',
  'a/b.yaml',
  '.gitignore',
  '...',
  'a/..b',
  'b../c',
  'a/.hidden',
  'ünï/файл',
  'sp ace',
  'x'.repeat(4096),
  'x'.repeat(4097),
  'é'.repeat(4096),
  'é'.repeat(4097),
  '.git/config',
  'a/.GIT/x',
  'a/.Git. /x',
  '.git::$INDEX_ALLOCATION/x',
  'GIT~1/x',
  '.g\u200cit/x',
  'a/.gitmodules',
  'git~2',
  'a\u0001b',
  'tab\there',
  'del\u007f',
];

let t: TestDatabase;
let check: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const { rows } = await t.db.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'resources_path_safe'`,
  );
  check = rows[0].def.replace(/^CHECK\s*/, '').replace(/\s*NOT VALID$/, '');
});

afterAll(() => t?.drop());

describe('resource path rules', () => {
  it.each(paths.map((p) => [p.length > 40 ? `${p.slice(0, 10)}…(${p.length})` : p, p]))(
    'agree with the resources_path_safe CHECK for %j',
    async (_, path) => {
      const { rows } = await t.db.query<{ ok: boolean }>(`select ${check} as ok from (values ($1::text)) as v(path)`, [
        path,
      ]);
      expect(resourcePathProblem(path) === undefined).toBe(rows[0].ok);
    },
  );
});
