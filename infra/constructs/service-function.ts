import { Duration } from 'aws-cdk-lib';
import { SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.js';
import { acknowledgeExecutionRole, functionLogging } from './function-logging.js';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json and package-lock.json are). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `pg` is CommonJS; inside an ESM bundle its `require('events')` needs a real `require`. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Where the functions run and which security group lets them reach the database. */
export interface FunctionNetwork {
  vpc: IVpc;
  securityGroup: ISecurityGroup;
}

/** What every function of a stack shares. */
export interface FunctionDefaults {
  network: FunctionNetwork;
  logRetention: RetentionDays;
  /** Directory of the handler files; the project's `functions/` unless a test points elsewhere. */
  functionsDir?: string;
}

export interface ServiceFunctionProps extends FunctionDefaults {
  /** Handler file name without `.ts` (e.g. `approval`). */
  name: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment?: Record<string, string>;
  reservedConcurrentExecutions?: number;
  /** Extra files for the bundle (e.g. SQL migrations), copied after esbuild ran. */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/**
 * A Lambda function with the project's defaults: Node 22 on arm64, bundled by the local esbuild into one ESM file
 * (no Docker), AWS SDK v3 taken from the runtime, source maps, JSON logs kept for the configured retention, in the
 * VPC's private subnets with the database client security group.
 */
export class ServiceFunction extends NodejsFunction {
  /** The handler file's name (`approval`, `sync-repository`, …). */
  readonly handlerName: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const commandHooks: ICommandHooks | undefined = props.afterBundling && {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: props.afterBundling,
    };
    super(scope, id, {
      entry: join(props.functionsDir ?? join(PROJECT_ROOT, 'functions'), `${props.name}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...functionLogging(scope, id, props.logRetention),
      vpc: props.network.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.network.securityGroup],
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        externalModules: ['@aws-sdk/*', 'pg-native'],
        minify: true,
        // Error classes are told apart by name in logs and mappers; keep them.
        keepNames: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        forceDockerBundling: false,
        commandHooks,
      },
    });
    this.handlerName = props.name;
    acknowledgeExecutionRole(this);
    acknowledge(
      this,
      'L1',
      'Node 22 is the runtime the code is built and tested for (esbuild target node22, AWS SDK v3 from the runtime); it moves with the code, not with the newest release.',
    );
  }
}

/** Default timeout for API functions: API Gateway answers 503 at 30 s anyway. */
export const API_TIMEOUT = Duration.seconds(29);
