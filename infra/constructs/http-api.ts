import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.js';
import { Construct } from 'constructs';

/** The part of a route-table entry (`lib/http/routes.ts`) that the API needs. */
export interface ApiRoute {
  /** 'ANY' with path `$default`: API Gateway's catch-all route. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  path: string;
  fn: string;
  auth: boolean;
}

/**
 * How callers authenticate. `jwksUri`: the issuer's keys when its OIDC discovery document does not put them at
 * `<issuer>/.well-known/jwks.json` (API Gateway discovers them; the watch function is told).
 */
export type ApiAuth = { mode: 'jwt'; issuer: string; audience: string[]; jwksUri?: string } | { mode: 'iam' };

export interface PorchHttpApiProps {
  routes: readonly ApiRoute[];
  /** One function per `fn` of the route table. */
  functions: Readonly<Record<string, IFunction>>;
  auth: ApiAuth;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

/** One JSON line per request; the fields an operator needs to follow a request into the function's logs. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    caller: '$context.authorizer.claims.sub',
    iamCaller: '$context.identity.userArn',
  }),
);

function authorizerFor(auth: ApiAuth): IHttpRouteAuthorizer {
  return auth.mode === 'jwt'
    ? new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: auth.audience })
    : new HttpIamAuthorizer();
}

/**
 * The HTTP API: every route of the shared route table (the `$default` catch-all included), each bound to its
 * function, behind the authorizer unless the table says `auth: false` (health only); the `$default` stage with
 * throttling and JSON access logs.
 */
export class PorchHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: PorchHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Porch-compatible Kubernetes-style API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const authorizer = authorizerFor(props.auth);
    const none = new HttpNoneAuthorizer();
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of props.routes) {
      const fn = props.functions[route.fn];
      if (!fn)
        throw new Error(`route ${route.method} ${route.path} names function "${route.fn}", which is not defined`);
      let integration = integrations.get(route.fn);
      if (!integration) {
        // One invoke permission per function for this API (not one per route) keeps each function's policy small.
        integration = new HttpLambdaIntegration(`${route.fn}-integration`, fn, { scopePermissionToRoute: false });
        integrations.set(route.fn, integration);
      }
      const created =
        route.path === '$default'
          ? new HttpRoute(this, 'DefaultRoute', {
              httpApi: this.api,
              routeKey: HttpRouteKey.DEFAULT,
              integration,
              authorizer: route.auth ? authorizer : none,
            })
          : this.api.addRoutes({
              path: route.path,
              methods: [HttpMethod[route.method]],
              integration,
              authorizer: route.auth ? authorizer : none,
            })[0];
      if (!route.auth) {
        acknowledge(
          created,
          'APIG4',
          `${route.method} ${route.path} is the health check: it tells only whether the database answers, and uptime probes carry no credentials.`,
        );
      }
    }
  }
}
