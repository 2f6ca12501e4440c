import { CfnOutput, Duration } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { DatabaseAccess } from './database.js';
import { grantDatabaseAccess } from './grants.js';
import type { ApiAuth } from './http-api.js';
import { ServiceFunction, type FunctionDefaults } from './service-function.js';

export interface WatchUrlProps {
  defaults: FunctionDefaults;
  database: DatabaseAccess;
  auth: ApiAuth;
}

/**
 * Watch over a Lambda function URL with response streaming (API Gateway HTTP APIs cannot stream): the function
 * serves every read and watch, checks JWTs itself with the API's issuer and audiences (or the URL uses IAM auth
 * when the API does), and ends each watch before its 15-minute limit.
 */
export class WatchUrl extends Construct {
  readonly watchFunction: ServiceFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: WatchUrlProps) {
    super(scope, id);
    this.watchFunction = new ServiceFunction(this, 'Watch', {
      name: 'watch',
      description: 'Reads and watches (streamed) behind a function URL',
      memorySize: 512,
      timeout: Duration.minutes(15),
      ...props.defaults,
    });
    grantDatabaseAccess(this.watchFunction, props.database);
    if (props.auth.mode === 'jwt') {
      this.watchFunction.addEnvironment('JWT_ISSUER', props.auth.issuer);
      this.watchFunction.addEnvironment('JWT_AUDIENCE', props.auth.audience.join(','));
      if (props.auth.jwksUri) this.watchFunction.addEnvironment('JWT_JWKS_URI', props.auth.jwksUri);
    }
    this.url = this.watchFunction.addFunctionUrl({
      // With JWT auth the function checks the token (the API's rules); otherwise Lambda checks SigV4 (IAM).
      authType: props.auth.mode === 'jwt' ? FunctionUrlAuthType.NONE : FunctionUrlAuthType.AWS_IAM,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, 'WatchUrl', {
      value: this.url.url,
      description: 'Second kubeconfig server for reads and watches (kubectl get -w, informers)',
    });
  }
}
