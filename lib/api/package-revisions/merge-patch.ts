/** RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    // defineProperty: a key named `__proto__` (a file name, say) stays a key instead of replacing the prototype.
    else
      Object.defineProperty(base, key, {
        value: mergePatch(base[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return base;
}
