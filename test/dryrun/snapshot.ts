/** What "changes nothing" is checked against: every row of every table, and every ref of every bare repository. */
import type { Queryable } from '../../lib/db/queryable.js';
import { git } from '../support/git-fixtures.js';

/** Every table of the public schema (so a change-log or any later table is covered too), row by row as text. */
export async function databaseRows(q: Queryable): Promise<Record<string, string[]>> {
  const { rows: tables } = await q.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await q.query<{ row: string }>(`select t::text as row from "${name}" t`);
    out[name] = rows.map((r) => r.row).sort();
  }
  return out;
}

/** `git for-each-ref` of bare repositories: ref → object id. */
export async function gitRefs(bareDirs: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of bareDirs) {
    const text = await git(dir, 'for-each-ref', '--format=%(refname) %(objectname)');
    for (const line of text.split('\n').filter(Boolean)) {
      const [ref, oid] = line.split(' ');
      out[`${dir}:${ref}`] = oid!;
    }
  }
  return out;
}

/** An object without the values a server generates anew on every write, for comparing dry-run and real answers. */
export function comparable(obj: any): any {
  const copy = structuredClone(obj);
  if (copy?.metadata) {
    delete copy.metadata.uid;
    delete copy.metadata.resourceVersion;
    delete copy.metadata.creationTimestamp;
    delete copy.metadata.deletionTimestamp;
    for (const entry of copy.metadata.managedFields ?? []) delete entry.time;
  }
  if (copy?.status) {
    delete copy.status.publishTimestamp;
    if (copy.status.selfLock?.git) delete copy.status.selfLock.git.commit;
  }
  return copy;
}
