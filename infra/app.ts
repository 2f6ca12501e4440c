/**
 * The CDK app (`npx cdk synth|deploy`, see cdk.json). The only place that reads context; every key is documented on
 * `InfraConfig` in ./config.ts and in the README. Stacks are environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION
 * (set by the CLI from your profile) are known, so synth works offline with no credentials.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_KEYS, parseInfraConfig } from './config.js';
import { addPorchStacks } from './porch-app.js';

const app = new App();
const config = parseInfraConfig((key) => app.node.tryGetContext(key));
const { stateless } = addPorchStacks(app, config);
// A mistyped key (-c jwtIsuer=…) would otherwise be ignored silently; CDK's own keys mostly contain ':' or '@'.
const unknown = Object.keys(app.node.getAllContext()).filter(
  (key) => !/[:@]/.test(key) && !(CONFIG_KEYS as readonly string[]).includes(key),
);
if (unknown.length > 0) {
  Annotations.of(stateless).addWarning(
    `Context key(s) not used by this app: ${unknown.join(', ')}. Known: ${CONFIG_KEYS.join(', ')}.`,
  );
}
if (config.authMode === 'iam' && !app.node.tryGetContext('authMode')) {
  Annotations.of(stateless).addWarning(
    'No jwtIssuer given: every route except /healthz needs SigV4 (IAM). For kubectl, deploy with -c jwtIssuer=… -c jwtAudience=….',
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
