/** The benchmark's package: 100 resources in 10 files, a setters file and a pipeline of four built-in functions. */
import type { Files } from '../../lib/kpt/types.js';

export const FOUR_FUNCTIONS = `pipeline:
  mutators:
    - image: ghcr.io/kptdev/krm-functions-catalog/apply-setters:v0.2.0
      configPath: setters.yaml
    - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1
      configMap:
        namespace: bench
    - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0
      configMap:
        tier: backend
    - image: ghcr.io/kptdev/krm-functions-catalog/set-annotations:v0.1.4
      configMap:
        owner: bench
`;

export const kptfile = (pipeline = '') =>
  `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: bench\n  annotations:\n    config.kubernetes.io/local-config: "true"\n${pipeline}`;

const deployment = (i: number, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i} # one of many
spec:
  replicas: ${replicas} # kpt-set: \${replicas}
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
        - name: app
          image: nginx:1.25 # kpt-set: nginx:\${tag}
          ports:
            - containerPort: 8080
`;

/** The package's files; `replicas` varies the resources so every update really changes something. */
export function benchFiles(pipeline: string, replicas: number): Files {
  const files: Files = {
    Kptfile: kptfile(pipeline),
    'setters.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: setters\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  replicas: "${replicas}"\n  tag: "1.27"\n`,
  };
  for (let f = 0; f < 10; f++) {
    files[`apps/app-${f}.yaml`] = Array.from({ length: 10 }, (_, i) => deployment(f * 10 + i, replicas)).join('---\n');
  }
  return files;
}
