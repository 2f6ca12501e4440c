/**
 * set-image (docs/render.md): sets the image of containers (in Pods and in the pod templates of Deployments,
 * StatefulSets, ReplicaSets, DaemonSets and PodTemplates) whose image name matches, as the catalog's function does.
 */
import { isMap, type Node } from 'yaml';
import type { FunctionIO, FunctionOutput, ResultItem } from '../types.js';
import { configData, done, error, info, isConfigMap, kindOf, seqAt, setStringIn, stringMap } from './kube-object.js';

interface Image {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** name, `:tag` and `@digest` of an image reference (kustomize's Split). */
function split(image: string): [string, string, string] {
  const at = image.indexOf('@');
  const [rest, digest] = at < 0 ? [image, ''] : [image.slice(0, at), image.slice(at)];
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/') ? [rest.slice(0, colon), rest.slice(colon), digest] : [rest, '', digest];
}

function readImage(input: FunctionIO): Image | string {
  const config = configData(input);
  let image: Image;
  if (isConfigMap(config)) {
    image = {};
    for (const [key, value] of Object.entries(stringMap(config.data))) {
      if (!['name', 'newName', 'newTag', 'digest'].includes(key)) return `ConfigMap has wrong field name ${key}`;
      image[key as keyof Image] = value;
    }
  } else image = stringMap(config.image) as Image;
  if (!image.name) return 'must specify `name`';
  if (!image.newName && !image.newTag && !image.digest) return 'must specify one of `newName`, `newTag`, or `digest`';
  return image;
}

export async function setImage(input: FunctionIO): Promise<FunctionOutput> {
  const image = readImage(input);
  if (typeof image === 'string') return done(input.items, [error(image)]);
  let count = 0;
  const update = (podSpec: Node | undefined) => {
    // The catalog's function reads `iniContainers` (sic), so init containers keep their image; so do we.
    for (const c of seqAt(podSpec, 'containers')) {
      if (!isMap(c)) continue;
      const old = String(c.get('image') ?? '');
      const [name, tag, digest] = split(old);
      if (name !== image.name) continue;
      const next =
        (image.newName || name) +
        (image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : tag || digest);
      if (next === old) continue;
      setStringIn(c, 'image', next);
      count++;
    }
  };
  for (const item of input.items) {
    const spec = item.doc.get('spec', true) as Node | undefined;
    if (!isMap(spec)) continue;
    if (kindOf(item) === 'Pod') update(spec);
    else if (['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'PodTemplate'].includes(kindOf(item))) {
      const template = spec.get('template', true);
      if (isMap(template)) update(template.get('spec', true) as Node);
    }
  }
  const results: ResultItem[] = [info(`summary: updated a total of ${count} image(s)`)];
  return done(input.items, results);
}
