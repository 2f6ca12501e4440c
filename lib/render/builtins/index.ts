/** The functions that run in-process, by the last segment of their image name (any registry, any tag). */
import type { KrmFunction } from '../types.js';
import { applyReplacements } from './apply-replacements.js';
import { applySetters } from './apply-setters.js';
import { setAnnotations } from './set-annotations.js';
import { setLabels } from './set-labels.js';
import { setNamespace } from './set-namespace.js';

export const BUILTINS: Record<string, KrmFunction> = {
  'apply-replacements': applyReplacements,
  'apply-setters': applySetters,
  'set-annotations': setAnnotations,
  'set-labels': setLabels,
  'set-namespace': setNamespace,
};
