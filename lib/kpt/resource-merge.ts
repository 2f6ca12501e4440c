/**
 * kpt's resource-merge strategy over whole packages (docs/porch-semantics.md §6): resources are matched across the
 * three versions by identity (group, kind, namespace, name; for local resources the upstream-identifier merge key
 * first) and merged field by field; resources added upstream are added, resources deleted upstream are deleted,
 * local-only resources are kept. Files that are not KRM: upstream's version unless local changed the file.
 */
import type { Document, YAMLMap } from 'yaml';
import { isResourceFile, readResources, writeResources } from './krm-documents.js';
import { mergeMaps } from './merge3.js';
import { ownIdentifier, upstreamIdentifier } from './merge-keys.js';
import type { Files } from './types.js';

interface Located {
  doc: Document;
  path: string;
}

interface Indexed {
  byId: Map<string, Located>;
  krm: Map<string, Document[]>;
  /** How each KRM file prints before the merge touches it, to keep the bytes of files it leaves alone. */
  printed: Map<string, string>;
}

function index(files: Files, local: boolean): Indexed {
  const byId = new Map<string, Located>();
  const krm = new Map<string, Document[]>();
  const printed = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    if (!isResourceFile(path)) continue;
    const docs = readResources(text);
    if (!docs) continue;
    krm.set(path, docs);
    printed.set(path, writeResources(docs, text));
    for (const doc of docs) byId.set((local && upstreamIdentifier(doc)) || ownIdentifier(doc), { doc, path });
  }
  return { byId, krm, printed };
}

/** Non-KRM files (and Kptfiles): a whole-file three-way choice in which local changes are kept. */
function mergeFile(o: string | undefined, u: string | undefined, l: string | undefined): string | undefined {
  if (l === o) return u;
  return l;
}

/** Merges `local` from `origin` to `upstream`; pure. Kptfiles are merged as resources at their own path. */
export function resourceMerge(origin: Files, upstream: Files, local: Files): Files {
  const [o, u, l] = [index(origin, false), index(upstream, false), index(local, true)];
  const out: Files = {};
  const paths = new Set([...Object.keys(origin), ...Object.keys(upstream), ...Object.keys(local)]);
  for (const path of paths) {
    const isKptfile = path === 'Kptfile' || path.endsWith('/Kptfile');
    const kptDocs = isKptfile
      ? [origin[path], upstream[path], local[path]].map((t) => (t ? readResources(t) : undefined))
      : [];
    if (isKptfile && kptDocs[1]?.length === 1 && kptDocs[2]?.length === 1) {
      mergeMaps(
        kptDocs[0]?.[0]?.contents as YAMLMap | undefined,
        kptDocs[1][0]!.contents as YAMLMap,
        kptDocs[2][0]!.contents as YAMLMap,
      );
      out[path] = writeResources(kptDocs[2], local[path]!);
      continue;
    }
    if (l.krm.has(path) || u.krm.has(path) || o.krm.has(path)) continue;
    const merged = mergeFile(origin[path], upstream[path], local[path]);
    if (merged !== undefined) out[path] = merged;
  }
  const kept = new Map<string, Document[]>();
  const place = (path: string, doc: Document) => kept.set(path, [...(kept.get(path) ?? []), doc]);
  for (const [path, docs] of l.krm) {
    for (const doc of docs) {
      const id = upstreamIdentifier(doc) || ownIdentifier(doc);
      const [base, next] = [o.byId.get(id), u.byId.get(id)];
      if (base && !next) continue; // deleted upstream
      if (next)
        mergeMaps(base?.doc.contents as YAMLMap | undefined, next.doc.contents as YAMLMap, doc.contents as YAMLMap);
      place(path, doc);
    }
    if (!kept.has(path)) kept.set(path, []);
  }
  for (const [id, next] of u.byId) {
    if (l.byId.has(id) || o.byId.has(id)) continue; // present locally, or deleted locally
    place(next.path, next.doc);
  }
  for (const [path, docs] of kept) {
    if (!docs.length) continue;
    const text = writeResources(docs, local[path] ?? upstream[path] ?? '');
    out[path] = local[path] !== undefined && l.printed.get(path) === text ? local[path] : text;
  }
  return out;
}
