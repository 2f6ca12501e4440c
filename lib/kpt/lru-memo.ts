/**
 * Memoises a pure function of a string in a small LRU map; callers get a structured clone, so mutating a result
 * cannot change what later callers see. Sync reads the same Kptfile text for many revisions of a package.
 */
export function lruMemo<T>(fn: (key: string) => T, size: number, maxKeyLength = 64 * 1024): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (key.length > maxKeyLength) return fn(key);
    let value = cache.get(key);
    if (value !== undefined) {
      cache.delete(key);
    } else {
      value = fn(key);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(key, value);
    return structuredClone(value);
  };
}
