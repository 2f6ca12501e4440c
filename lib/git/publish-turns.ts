/**
 * Publishes of one branch from this process go one after another. Correctness does not depend on it (every push
 * is a compare-and-set, and a publish that loses rebuilds on the new head), but publishes that run side by side in
 * one process would mostly push commits already out of date: taking turns here turns a storm of lost rounds into
 * a queue. A publish hands what it knows (the branch head it pushed, with its objects) to the next in line, which can
 * then push at once without asking the server first. Waiting is bounded: past `maxWaitMs` a publish goes ahead and
 * relies on compare-and-set alone, so a hanging server does not stack its timeouts on the publishes behind it.
 */
const tails = new Map<string, Promise<void>>();
const batons = new Map<string, unknown>();

/**
 * Runs `fn` after the publishes of `key` queued before it (or after `maxWaitMs`), with what the previous one handed
 * over; what `fn` hands over is kept only while another publish waits for it.
 */
export async function inTurn<T, B>(
  key: string,
  maxWaitMs: number,
  fn: (handed: B | undefined) => Promise<{ result: T; handOver?: B }>,
): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = before.then(() => mine);
  tails.set(key, tail);
  let timer: NodeJS.Timeout | undefined;
  let handOver: B | undefined;
  try {
    await Promise.race([
      before,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs);
      }),
    ]);
    clearTimeout(timer);
    const handed = batons.get(key) as B | undefined;
    batons.delete(key);
    const done = await fn(handed);
    handOver = done.handOver;
    return done.result;
  } finally {
    clearTimeout(timer);
    const waiting = tails.get(key) !== tail;
    if (waiting && handOver !== undefined) {
      batons.set(key, handOver);
      // Not picked up in time (the next one went ahead on its own): let it go rather than keep its objects.
      setTimeout(() => batons.get(key) === handOver && batons.delete(key), maxWaitMs).unref();
    }
    release();
    if (!waiting) tails.delete(key);
  }
}
