import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { IdentitySettings } from '../lib/auth/identity-settings.js';
import { routes, type FunctionName } from '../lib/http/routes.js';
import type { DatabaseAccess } from './constructs/database.js';
import { grantDatabaseAccess, grantGitSecretRead, grantInvoke } from './constructs/grants.js';
import { PorchHttpApi, type ApiAuth } from './constructs/http-api.js';
import { KrmFunctions, type KrmFunctionImage } from './constructs/krm-functions.js';
import { Migrations } from './constructs/migrations.js';
import { RepositorySync, SYNC_FUNCTION_ENV } from './constructs/repository-sync.js';
import { EventRelay } from './constructs/event-relay.js';
import { WatchUrl } from './constructs/watch-url.js';
import { API_TIMEOUT, ServiceFunction, type FunctionDefaults } from './constructs/service-function.js';

export interface StatelessStackProps extends StackProps {
  vpc: IVpc;
  database: DatabaseAccess;
  auth: ApiAuth;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  syncRateMinutes: number;
  syncConcurrency: number;
  gitSecretPrefix: string;
  /** Claims → caller and the bootstrap admin group, for the RBAC check every API function runs. */
  identity: IdentitySettings;
  /** KRM function images that run as their own Lambda functions when a pipeline uses them (docs/render.md). */
  krmFunctionImages?: KrmFunctionImage[];
  /** Directory of the handler files (tests only; default: the project's `functions/`). */
  functionsDir?: string;
}

interface ApiFunctionSpec {
  description: string;
  memorySize: number;
  timeout: Duration;
  /**
   * Reads Git (clone from a URL, publish, delete a tag): may read the Git credential secrets. The value is the
   * timeout of each git request, kept below the function's own so the caller gets a 503, not a Lambda timeout.
   */
  gitTimeoutMs?: number;
  /** Registers repositories: invokes the sync function for the first sync. */
  requestsSync?: boolean;
  /** Renders packages: may invoke the KRM function Lambdas, each run limited to this many milliseconds. */
  renderTimeoutMs?: number;
}

/** One function per `fn` of the route table, sized for what it does. */
const API_FUNCTIONS: Record<FunctionName, ApiFunctionSpec> = {
  discovery: { description: 'Discovery, OpenAPI and health documents', memorySize: 256, timeout: Duration.seconds(10) },
  repositories: { description: 'Repository CRUD', memorySize: 512, timeout: API_TIMEOUT, requestsSync: true },
  packages: { description: 'Package list and get', memorySize: 512, timeout: API_TIMEOUT },
  'package-revisions': {
    description: 'Package revision CRUD (clone from git included)',
    memorySize: 1024,
    timeout: API_TIMEOUT,
    gitTimeoutMs: 20_000,
    renderTimeoutMs: 20_000,
  },
  'package-revision-resources': {
    description: 'Package revision resources',
    memorySize: 512,
    timeout: API_TIMEOUT,
    renderTimeoutMs: 20_000,
  },
  // API Gateway gives up at 30 s, but a publish already under way should finish its pushes rather than be cut.
  approval: {
    description: 'Publish, reject, propose-delete and delete (writes git)',
    memorySize: 1536,
    timeout: Duration.seconds(90),
    gitTimeoutMs: 25_000,
  },
  rbac: { description: 'RBAC objects and the self-reviews of kubectl auth', memorySize: 256, timeout: API_TIMEOUT },
};

/**
 * Everything that can be replaced freely: functions, the HTTP API, the sync schedule and the migrations custom
 * resource. Functions and API resources depend on the migrations, so new code serves only on a migrated schema.
 */
export class StatelessStack extends Stack {
  readonly api: PorchHttpApi;
  readonly sync: RepositorySync;
  readonly migrations: Migrations;
  readonly apiFunctions: Record<FunctionName, ServiceFunction>;
  readonly events: EventRelay;
  readonly watch: WatchUrl;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const defaults: FunctionDefaults = {
      network: { vpc: props.vpc, securityGroup: props.database.clientSecurityGroup },
      logRetention: props.logRetention,
      functionsDir: props.functionsDir,
    };

    this.migrations = new Migrations(this, 'Migrations', { defaults, database: props.database });
    this.sync = new RepositorySync(this, 'Sync', {
      defaults,
      database: props.database,
      rateMinutes: props.syncRateMinutes,
      concurrency: props.syncConcurrency,
      gitSecretPrefix: props.gitSecretPrefix,
    });

    const krmFunctions = props.krmFunctionImages?.length
      ? new KrmFunctions(this, 'KrmFunctions', {
          images: props.krmFunctionImages,
          vpc: props.vpc,
          logRetention: props.logRetention,
        })
      : undefined;
    const functions = {} as Record<FunctionName, ServiceFunction>;
    for (const [name, spec] of Object.entries(API_FUNCTIONS) as [FunctionName, ApiFunctionSpec][]) {
      const fn = new ServiceFunction(this, pascalCase(name), {
        ...defaults,
        name,
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        environment: identityEnvironment(props.identity),
      });
      grantDatabaseAccess(fn, props.database);
      if (spec.gitTimeoutMs) {
        grantGitSecretRead(fn, props.gitSecretPrefix);
        fn.addEnvironment('GIT_TIMEOUT_MS', String(spec.gitTimeoutMs));
        // One git operation (docs/git-transport.md) may not outlast the request either, even trickling bytes.
        fn.addEnvironment('GIT_DEADLINE_MS', String(spec.gitTimeoutMs));
      }
      if (spec.requestsSync) grantInvoke(fn, this.sync.syncFunction, SYNC_FUNCTION_ENV);
      if (spec.renderTimeoutMs) {
        fn.addEnvironment('KRM_FUNCTION_TIMEOUT_MS', String(spec.renderTimeoutMs));
        krmFunctions?.grantInvoke(fn);
      }
      functions[name] = fn;
    }
    this.apiFunctions = functions;

    this.api = new PorchHttpApi(this, 'Http', {
      routes,
      functions,
      auth: props.auth,
      throttle: props.throttle,
      logRetention: props.logRetention,
    });

    this.events = new EventRelay(this, 'Events', { defaults, database: props.database });
    this.watch = new WatchUrl(this, 'Watch', { defaults, database: props.database, auth: props.auth });
    // The watch URL serves reads through the same RBAC check, so it must name callers as the API functions do.
    for (const [key, value] of Object.entries(identityEnvironment(props.identity)))
      this.watch.watchFunction.addEnvironment(key, value);

    for (const fn of [
      ...Object.values(functions),
      this.sync.syncFunction,
      this.sync.fanoutFunction,
      this.events.relayFunction,
      this.watch.watchFunction,
    ]) {
      fn.node.addDependency(this.migrations.resource);
    }
    this.api.node.addDependency(this.migrations.resource);

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.api.apiEndpoint,
      description: 'Base URL of the API (the kubeconfig server)',
    });
    new CfnOutput(this, 'SyncFailureQueueUrl', {
      value: this.sync.failures.queueUrl,
      description: 'Sync events that failed after their retries',
    });
  }
}

/** The identity settings as the variables `lib/config.ts` reads (kube-apiserver's `--oidc-*` by other names). */
function identityEnvironment(identity: IdentitySettings): Record<string, string> {
  return {
    OIDC_USERNAME_CLAIM: identity.usernameClaim,
    ...(identity.usernamePrefix !== undefined ? { OIDC_USERNAME_PREFIX: identity.usernamePrefix } : {}),
    OIDC_GROUPS_CLAIM: identity.groupsClaim,
    ...(identity.groupsPrefix ? { OIDC_GROUPS_PREFIX: identity.groupsPrefix } : {}),
    BOOTSTRAP_ADMIN_GROUP: identity.bootstrapAdminGroup,
    ...(identity.bootstrapAdminUsers.length > 0
      ? { BOOTSTRAP_ADMIN_USERS: identity.bootstrapAdminUsers.join(',') }
      : {}),
  };
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
