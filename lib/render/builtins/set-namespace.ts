/**
 * set-namespace (docs/render.md): moves every namespaced resource (and a Namespace object, and the namespace
 * references of CRD webhooks, APIServices and ClusterRoleBinding subjects) to one namespace, as the catalog's
 * function does, including its `depends-on` annotation update and the package-context ConfigMap as config.
 */
import { isMap, isScalar } from 'yaml';
import type { FunctionIO, FunctionOutput, KrmItem, ResultItem } from '../types.js';
import {
  annotationsOf,
  configData,
  done,
  error,
  info,
  isConfigMap,
  isGVK,
  isLocalConfig,
  kindOf,
  mapAt,
  seqAt,
  setStringIn,
  shortString,
  stringMap,
  warning,
} from './kube-object.js';
import { DEFAULT_NAMESPACE, isNamespaceScoped, originId, resourceId, UNKNOWN_NAMESPACE, upstreamId } from './scope.js';

const PACKAGE_CONTEXT = 'kptfile.kpt.dev';
const DEPENDS_ON = 'config.kubernetes.io/depends-on';
const NAMESPACED_REF = /^([-.\w]*)\/namespaces\/([-.\w]*)\/([-.\w]*)\/([-.\w]*)$/;

interface Settings {
  namespace: string;
  matcher: string;
}

function readConfig(input: FunctionIO): Settings | string {
  const config = configData(input);
  const metadata = (config.metadata ?? {}) as Record<string, unknown>;
  if (!input.functionConfig || Object.keys(config).length === 0) {
    return 'FunctionConfig is missing. Expect `ConfigMap.v1` or `SetNamespace.v1alpha1.fn.kpt.dev`';
  }
  if (isConfigMap(config)) {
    const data = stringMap(config.data);
    const matcher = data.namespaceMatcher ?? '';
    if (data.namespace) return { namespace: data.namespace, matcher };
    if (data.name && metadata.name === PACKAGE_CONTEXT) return { namespace: data.name, matcher };
    return metadata.name === PACKAGE_CONTEXT
      ? '`data.name` should not be empty'
      : '`data.namespace` should not be empty';
  }
  if (config.apiVersion === 'fn.kpt.dev/v1alpha1' && config.kind === 'SetNamespace') {
    if (!config.namespace) return '`namespace` should not be empty';
    return { namespace: String(config.namespace), matcher: String(config.namespaceMatcher ?? '') };
  }
  return `unknown functionConfig Kind=${String(config.kind ?? '')} ApiVersion=${String(config.apiVersion ?? '')}, expect \`ConfigMap.v1\` or \`SetNamespace.v1alpha1.fn.kpt.dev\``;
}

type Visitor = (origin: string, current: string) => string;

/** The namespace-like fields of every resource, in the function's order: special cluster ones, then namespaced. */
function visitAll(objects: KrmItem[], visit: Visitor): void {
  for (const o of objects.filter((x) => !isNamespaceScoped(x))) {
    const root = o.doc.contents;
    const nested = (path: string[]) => {
      const parent = mapAt(o.doc, root, path.slice(0, -1), true)!;
      const key = path.at(-1)!;
      const value = parent.get(key);
      const next = visit('', value === undefined || value === null ? '' : String(value));
      setStringIn(parent, key, next);
    };
    if (isGVK(o, '', 'v1', 'Namespace')) {
      const meta = mapAt(o.doc, root, ['metadata'], true)!;
      setStringIn(meta, 'name', visit(originId(o).name, String(meta.get('name') ?? '')));
    } else if (isGVK(o, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')) {
      nested(['spec', 'conversion', 'webhook', 'clientConfig', 'service', 'namespace']);
    } else if (isGVK(o, 'apiregistration.k8s.io', 'v1', 'APIService')) {
      nested(['spec', 'service', 'namespace']);
    } else if (kindOf(o) === 'ClusterRoleBinding' || kindOf(o) === 'RoleBinding') {
      for (const subject of seqAt(root, 'subjects')) {
        if (!isMap(subject) || !subject.has('namespace')) continue;
        const node = subject.get('namespace', true);
        setStringIn(subject, 'namespace', visit('', isScalar(node) ? String(node.value ?? '') : ''));
      }
    }
  }
  for (const o of objects.filter(isNamespaceScoped)) {
    const meta = mapAt(o.doc, o.doc.contents, ['metadata'], true)!;
    const current = meta.get('namespace');
    setStringIn(meta, 'namespace', visit(originId(o).namespace, current ? String(current) : ''));
  }
}

const goList = (values: Set<string>) => `[${[...values].sort().join(' ')}]`;

function replace(objects: KrmItem[], s: Settings, before: Set<string>): ResultItem[] {
  const results: ResultItem[] = [];
  const old = new Set<string>();
  let count = 0;
  visitAll(objects, (origin, value) => {
    if (origin === UNKNOWN_NAMESPACE) return value;
    const current = value || DEFAULT_NAMESPACE;
    if (current === s.namespace) return current;
    if (s.matcher && s.matcher !== current && s.matcher !== origin) return current;
    old.add(current);
    count++;
    return s.namespace;
  });
  results.push(
    info(
      count === 0
        ? `all matching namespaces are already "${s.namespace}". no value changed`
        : `namespace ${goList(old)} updated to "${s.namespace}", ${count} value(s) changed`,
    ),
  );
  const oldRefs = new Set<string>();
  let refs = 0;
  for (const o of objects) {
    const value = annotationsOf(o)[DEPENDS_ON];
    const parts = value ? NAMESPACED_REF.exec(value) : null;
    if (!parts || !before.has(value!) || parts[2] === s.namespace) continue;
    if (s.matcher && s.matcher !== parts[2]) continue;
    oldRefs.add(parts[2]!);
    refs++;
    const annotations = mapAt(o.doc, o.doc.contents, ['metadata', 'annotations'], true)!;
    setStringIn(annotations, DEPENDS_ON, `${parts[1]}/namespaces/${s.namespace}/${parts[3]}/${parts[4]}`);
  }
  results.push(
    info(
      refs === 0
        ? 'all `depends-on` annotations are up-to-date. no `namespace` changed'
        : `\`depends-on\` annotation namespace ${goList(oldRefs)} updated to "${s.namespace}", ${refs} value(s) changed`,
    ),
  );
  return results;
}

export async function setNamespace(input: FunctionIO): Promise<FunctionOutput> {
  const settings = readConfig(input);
  if (typeof settings === 'string') return done(input.items, [error(settings)]);
  const objects = input.items.filter((o) => !isLocalConfig(o));
  const before = new Set(
    objects
      .map(resourceId)
      .filter((id) => id.namespace !== UNKNOWN_NAMESPACE)
      .map((id) => `${id.group}/namespaces/${id.namespace}/${id.kind}/${id.name}`),
  );
  const results: ResultItem[] = [];
  const origins = new Set<string>();
  for (const o of objects) {
    if (!upstreamId(o)) {
      results.push(warning(`${shortString(o)} does not have upstream origin.`));
      continue;
    }
    if (!isNamespaceScoped(o)) continue;
    origins.add(originId(o).namespace);
  }
  if (!settings.matcher && origins.size > 1) {
    return done(input.items, [
      error(
        `unable to use origin \`namespace\` to match. expect a single upstream namespace, found ${goList(origins)}. please switch to use \`namespaceMatcher\`to specify the namespace value you want to change`,
      ),
    ]);
  }
  return done(input.items, [...results, ...replace(objects, settings, before)]);
}
