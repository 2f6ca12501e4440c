import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryLockKey, withRepositoryLock } from '../../lib/sync/repository-lock.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
});
afterAll(async () => t?.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const holdLockScript = fileURLToPath(new URL('./support/hold-lock.ts', import.meta.url));

/** Starts a child that holds the lock; resolves once it printed "locked". */
async function startHolder(name: string, idleMs: number): Promise<ChildProcess> {
  // Own process group: npx → tsx → node are three processes, and the signal must reach the one holding the lock.
  const child = spawn('npx', ['tsx', holdLockScript, t.url, 'ns', name, String(idleMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('locked')) ok();
    });
    child.on('exit', (code) => fail(new Error(`holder exited early (${code}): ${out}`)));
  });
  return child;
}

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};

async function eventually(fn: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await fn()) return Date.now() - start;
    await sleep(100);
  }
  throw new Error(`condition not met in ${timeoutMs} ms`);
}

const tryOnce = async (name: string) => (await withRepositoryLock(t.db, 'ns', name, async () => 'work')).ran;

describe('withRepositoryLock', () => {
  it('keys differ per repository and are int4 pairs', () => {
    const [c1, o1] = repositoryLockKey('ns', 'a');
    const [c2, o2] = repositoryLockKey('ns', 'b');
    expect(c1).toBe(c2);
    expect(o1).not.toBe(o2);
    expect(repositoryLockKey('n', 's\0a')).not.toEqual(repositoryLockKey('ns', 'a'));
    for (const v of [c1, o1, o2]) expect(v >= -(2 ** 31) && v < 2 ** 31).toBe(true);
  });

  it('ten concurrent holders on separate connections: exactly one runs, the others return fast', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = withRepositoryLock(t.db, 'ns', 'concurrent', async () => {
      entered();
      await gate;
      return 'first';
    });
    await inside;
    const started = Date.now();
    const others = await Promise.all(
      Array.from({ length: 9 }, () => withRepositoryLock(t.db, 'ns', 'concurrent', async () => 'other')),
    );
    const elapsed = Date.now() - started;
    release();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(others.every((o) => !o.ran)).toBe(true);
    expect(elapsed).toBeLessThan(2_000);
    // another repository is not blocked, and the lock is free afterwards
    expect(await tryOnce('concurrent')).toBe(true);
  });

  it('ten simultaneous starts: exactly one runs', async () => {
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        withRepositoryLock(t.db, 'ns', 'race', async () => {
          runs++;
          await sleep(300);
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
  });

  it('a live holder keeps the lock past the idle timeout (heartbeat)', async () => {
    let busyMidway: boolean | undefined;
    const held = await withRepositoryLock(
      t.db,
      'ns',
      'long',
      async () => {
        await sleep(2_500);
        busyMidway = !(await tryOnce('long'));
        return 'ok';
      },
      { idleTimeoutMs: 1_000 },
    );
    expect(held).toEqual({ ran: true, value: 'ok' });
    expect(busyMidway).toBe(true);
  });

  it('frees the lock when fn throws, and leaves no lock on any pooled connection', async () => {
    await expect(
      withRepositoryLock(t.db, 'ns', 'throws', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await tryOnce('throws')).toBe(true);
    const { rows } = await t.db.query(
      `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('syncs in a row reuse one lock session, which holds no lock and outlives the idle backstop in between', async () => {
    const holder = async () =>
      withRepositoryLock(
        t.db,
        'ns',
        'reuse',
        async () => {
          const { rows } = await t.db.query(`select pid from pg_locks where locktype = 'advisory' and granted`);
          return rows.map((r) => r.pid as number);
        },
        { idleTimeoutMs: 1_000 },
      );
    const first = await holder();
    expect(first.ran && first.value).toHaveLength(1);
    const pid = first.ran ? first.value[0] : undefined;
    const advisory = `select count(*)::int as n from pg_locks where locktype = 'advisory'`;
    expect((await t.db.query(advisory)).rows[0].n).toBe(0);
    // Idle longer than the backstop the lock set: the session was reset when it came back, so it is still there.
    await sleep(1_500);
    const alive = await t.db.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid]);
    expect(alive.rows[0].n).toBe(1);
    expect(await holder()).toEqual({ ran: true, value: [pid] });
  });

  it('a holder killed with SIGKILL frees the lock for the next sync', async () => {
    const child = await startHolder('killed', 60_000);
    try {
      expect(await tryOnce('killed')).toBe(false);
    } finally {
      signalGroup(child, 'SIGKILL');
    }
    await eventually(() => tryOnce('killed'), 10_000);
  });

  it('a holder that hangs silently (SIGSTOP) loses the lock after the idle-session backstop', async () => {
    const child = await startHolder('frozen', 1_000);
    try {
      expect(await tryOnce('frozen')).toBe(false);
      signalGroup(child, 'SIGSTOP');
      const waited = await eventually(() => tryOnce('frozen'), 10_000);
      expect(waited).toBeLessThan(5_000);
    } finally {
      signalGroup(child, 'SIGKILL');
    }
  });
});
