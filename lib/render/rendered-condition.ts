/** The root Kptfile's `Rendered` condition that a successful render writes (docs/porch-semantics.md §6). */
import { readKptfile } from '../kpt/kptfile-read.js';
import { setConditions } from '../kpt/kptfile-edit.js';
import type { Condition, Files } from '../kpt/types.js';

export const RENDERED: Condition = { type: 'Rendered', status: 'True', reason: 'RenderSuccess' };

/** Files with the root Kptfile's Rendered condition set to success, other conditions kept in place. */
export function setRenderedCondition(files: Files): Files {
  const text = files['Kptfile']!;
  const conditions = readKptfile(text).conditions;
  const rest = conditions.filter((c) => c.type !== RENDERED.type);
  const current = conditions.find((c) => c.type === RENDERED.type);
  if (current && current.status === RENDERED.status && current.reason === RENDERED.reason && !current.message) {
    return files;
  }
  const at = conditions.findIndex((c) => c.type === RENDERED.type);
  const next = at < 0 ? [...rest, RENDERED] : conditions.map((c) => (c.type === RENDERED.type ? RENDERED : c));
  return { ...files, Kptfile: setConditions(text, next) };
}
