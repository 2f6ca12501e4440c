import { Duration, Stack } from 'aws-cdk-lib';
import { SecurityGroup, SubnetType, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Architecture,
  DockerImageCode,
  DockerImageFunction,
  type Function as LambdaFunction,
} from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { imageRepository } from '../../lib/render/image-name.js';
import { acknowledgeExecutionRole, functionLogging } from './function-logging.js';
import { PROJECT_ROOT } from './service-function.js';

/** The environment variable that maps function images to their Lambda functions (lib/render/default-resolver.ts). */
export const KRM_FUNCTION_LAMBDAS_ENV = 'KRM_FUNCTION_LAMBDAS';

export interface KrmFunctionImage {
  /** The KRM function image as pipelines name it (any tag: every tag of this repository runs here). */
  image: string;
  /** The image's entrypoint, when it is not the catalog's `/usr/local/bin/function`. */
  entrypoint?: string;
}

export interface KrmFunctionsProps {
  images: KrmFunctionImage[];
  vpc: IVpc;
  logRetention: RetentionDays;
  /** Per-run limit; the render engine's own limit (KRM_FUNCTION_TIMEOUT_MS) should be below it. */
  timeout?: Duration;
  memorySize?: number;
}

/**
 * One Lambda function per enabled KRM function image (docs/render.md): the image runs unchanged behind the adapter
 * of `infra/krm-adapter`, in isolated subnets with a security group that allows no traffic at all, so functions have
 * no network. `grantInvoke` lets a service function call them and tells it which function runs which image.
 */
export class KrmFunctions extends Construct {
  readonly functions = new Map<string, DockerImageFunction>();

  constructor(scope: Construct, id: string, props: KrmFunctionsProps) {
    super(scope, id);
    const noNetwork = new SecurityGroup(this, 'NoNetwork', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'KRM functions: no inbound, no outbound traffic',
    });
    props.images.forEach(({ image, entrypoint }, i) => {
      const repository = imageRepository(image);
      const fn = new DockerImageFunction(this, `Function${i}`, {
        description: `KRM function ${repository}`,
        code: DockerImageCode.fromImageAsset(join(PROJECT_ROOT, 'infra/krm-adapter'), {
          buildArgs: { FUNCTION_IMAGE: image, ...(entrypoint ? { FUNCTION_ENTRYPOINT: entrypoint } : {}) },
          platform: Platform.LINUX_AMD64,
        }),
        architecture: Architecture.X86_64,
        memorySize: props.memorySize ?? 512,
        timeout: props.timeout ?? Duration.seconds(25),
        ...functionLogging(this, `Function${i}`, props.logRetention),
        vpc: props.vpc,
        vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
        securityGroups: [noNetwork],
      });
      this.functions.set(repository, fn);
    });
    acknowledgeExecutionRole(this);
  }

  /** Lets `fn` invoke every KRM function and tells it, in one environment variable, which runs which image. */
  grantInvoke(fn: LambdaFunction): void {
    const map: Record<string, string> = {};
    for (const [repository, krm] of this.functions) {
      krm.grantInvoke(fn);
      map[repository] = krm.functionName;
    }
    fn.addEnvironment(KRM_FUNCTION_LAMBDAS_ENV, Stack.of(this).toJsonString(map));
  }
}
