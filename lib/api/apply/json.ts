/** Plain JSON values as server-side apply handles them. */
export type Json = unknown;
export type JsonMap = Record<string, Json>;

export const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets a key without letting `__proto__` replace the prototype. */
export function defineKey(target: JsonMap, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
