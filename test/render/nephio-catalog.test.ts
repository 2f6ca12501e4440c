/** A nephio-project/catalog package cloned through the API from our git server renders as `kpt fn render` would. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHarness, newRevision, PR, PRR, type Harness } from '../api/harness.js';

const fixture = fileURLToPath(new URL('./fixtures/nephio-cc-repo-csr/', import.meta.url));
const read = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, readFileSync(`${dir}${e.name}`, 'utf8')]),
  );

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('deployments', { deployment: true });
  const catalog = await h.addRepository('catalog');
  await catalog.write(
    Object.fromEntries(Object.entries(read(fixture)).map(([p, t]) => [`infra/gcp/cc-repo-csr/${p}`, t])),
  );
  await catalog.commit('cc-repo-csr');
  await catalog.tag('infra/gcp/cc-repo-csr/v1');
  await catalog.push();
});
afterAll(async () => h?.close());

describe('nephio catalog: infra/gcp/cc-repo-csr', () => {
  it('clones into a deployment repository and renders apply-replacements then apply-setters', async () => {
    const git = { repo: `${h.server.url}/catalog.git`, ref: 'v1', directory: 'infra/gcp/cc-repo-csr' };
    const res = await h.call('POST', PR, {
      body: newRevision('deployments', 'my-repo', 'ws1', {
        spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { type: 'git', git } } }] },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status.conditions).toEqual([{ type: 'Rendered', status: 'True', reason: 'RenderSuccess' }]);
    const files = (await h.call('GET', `${PRR}/deployments.my-repo.ws1`)).body.spec.resources;
    const expected = read(`${fixture}expected/`);
    for (const [path, text] of Object.entries(expected)) expect(files[path], path).toBe(text);
    expect(files['README.md']).toBe(read(fixture)['README.md']);
    expect(parse(files['package-context.yaml']).data.name).toBe('my-repo');
  });
});
