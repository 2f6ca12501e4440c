import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The service's one structured logger: one JSON object per line on stdout, which CloudWatch indexes in AWS and the
 * local server prints. Level from POWERTOOLS_LOG_LEVEL (default INFO).
 */
export const logger = new Logger({ serviceName: 'porch-serverless' });
