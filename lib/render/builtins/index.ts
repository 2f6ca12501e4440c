/** The functions that run in-process, by the last segment of their image name (any registry, any tag). */
import type { KrmFunction } from '../types.js';
import { applyReplacements } from './apply-replacements.js';
import { applySetters } from './apply-setters.js';
import { ensureNameSubstring } from './ensure-name-substring.js';
import { searchReplace } from './search-replace.js';
import { setAnnotations } from './set-annotations.js';
import { setImage } from './set-image.js';
import { upsertResource } from './upsert-resource.js';
import { setLabels } from './set-labels.js';
import { setNamespace } from './set-namespace.js';

export const BUILTINS: Record<string, KrmFunction> = {
  'apply-replacements': applyReplacements,
  'apply-setters': applySetters,
  'set-annotations': setAnnotations,
  'set-labels': setLabels,
  'set-namespace': setNamespace,
  'search-replace': searchReplace,
  'set-image': setImage,
  'ensure-name-substring': ensureNameSubstring,
  'upsert-resource': upsertResource,
};
