/** The KRM function Lambdas: one per enabled image, no network, invoked only by the functions that render. */
import { describe, expect, it } from 'vitest';
import { synthPorch } from '../infra/synth-app.js';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const IMAGES = ['gcr.io/kpt-fn/kubeconform:v0.1.1', 'ghcr.io/nephio-project/nephio/interface-fn:v2.0.0'];
const app = synthPorch({ krmFunctionImages: IMAGES.join(',') });
const resources = app.stateless.toJSON().Resources as Resources;
const imageFunctions = Object.entries(resources).filter(
  ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.PackageType === 'Image',
);

describe('KRM function Lambdas (CDK)', () => {
  it('synthesises one container-image function per enabled image, in isolated subnets with a no-traffic group', () => {
    expect(imageFunctions).toHaveLength(2);
    expect(imageFunctions.map(([, r]) => r.Properties.Description).sort()).toEqual([
      'KRM function gcr.io/kpt-fn/kubeconform',
      'KRM function ghcr.io/nephio-project/nephio/interface-fn',
    ]);
    const groups = imageFunctions.map(([, r]) => JSON.stringify(r.Properties.VpcConfig.SecurityGroupIds));
    expect(new Set(groups).size).toBe(1);
    const sgId = JSON.parse(groups[0]!)[0]['Fn::GetAtt'][0] as string;
    const sg = resources[sgId]!.Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
    for (const [, r] of imageFunctions) expect(r.Properties.Timeout).toBe(25);
  });

  it('tells the rendering functions which Lambda runs which image and lets them, and only them, invoke it', () => {
    for (const name of ['package-revisions', 'package-revision-resources']) {
      const env = resources[app.functionId(name)]!.Properties.Environment.Variables;
      expect(env.KRM_FUNCTION_TIMEOUT_MS).toBe('20000');
      const text = JSON.stringify(env.KRM_FUNCTION_LAMBDAS);
      expect(text).toContain('gcr.io/kpt-fn/kubeconform');
      expect(text).toContain('ghcr.io/nephio-project/nephio/interface-fn');
      for (const [id] of imageFunctions) expect(text).toContain(id);
    }
    const invokers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.PolicyDocument).includes(imageFunctions[0]![0]))
      .map((r) => JSON.stringify(r.Properties.Roles));
    expect(invokers).toHaveLength(2);
    expect(
      resources[app.functionId('approval')]!.Properties.Environment.Variables.KRM_FUNCTION_LAMBDAS,
    ).toBeUndefined();
  });

  it('creates none without enabled images', () => {
    const plain = synthPorch().stateless.toJSON().Resources as Resources;
    expect(Object.values(plain).filter((r) => r.Properties?.PackageType === 'Image')).toHaveLength(0);
  });
});
