/**
 * Publishes of one branch from this process go one after another. Correctness does not depend on it (every push
 * is a compare-and-set, and a publish that loses rebuilds on the new head), but publishes that run side by side in
 * one process would mostly push commits already out of date: taking turns here turns a storm of lost rounds into
 * a queue. Waiting is bounded: past `maxWaitMs` a publish goes ahead and relies on compare-and-set alone, so a
 * hanging server does not stack its timeouts on the publishes queued behind it.
 */
const tails = new Map<string, Promise<void>>();

/** Runs `fn` after the publishes of `key` queued before it, or after `maxWaitMs`, whichever comes first. */
export async function inTurn<T>(key: string, maxWaitMs: number, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = before.then(() => mine);
  tails.set(key, tail);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      before,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs);
      }),
    ]);
    clearTimeout(timer);
    return await fn();
  } finally {
    clearTimeout(timer);
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
