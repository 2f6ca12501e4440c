/** Building blocks of the OpenAPI schemas: every field carries a description, which `kubectl explain` prints. */
export type Schema = Record<string, unknown>;

const typed =
  (base: Schema) =>
  (description: string, extra: Schema = {}): Schema => ({ ...base, description, ...extra });

export const str = typed({ type: 'string' });
export const bool = typed({ type: 'boolean' });
export const int = typed({ type: 'integer', format: 'int64' });
export const time = typed({ type: 'string', format: 'date-time' });
export const strMap = typed({ type: 'object', additionalProperties: { type: 'string' } });
export const strList = typed({ type: 'array', items: { type: 'string' } });
/** An object kubectl passes on unchecked: its listed properties are documentation, others are kept as sent. */
export const free = (description: string, properties?: Record<string, Schema>): Schema => ({
  type: 'object',
  description,
  ...(properties ? { properties } : {}),
  'x-kubernetes-preserve-unknown-fields': true,
});
export const enumOf = (values: readonly string[], description: string): Schema => ({
  type: 'string',
  enum: [...values],
  description,
});

export const obj = (description: string, properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required ? { required } : {}),
});

export const list = (description: string, items: Schema): Schema => ({ type: 'array', description, items });
