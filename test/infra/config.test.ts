import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, InfraConfigError, parseInfraConfig } from '../../infra/config.js';

const parse = (context: Record<string, unknown>) => parseInfraConfig((key) => context[key]);

describe('parseInfraConfig', () => {
  it('defaults to Aurora Serverless v2, no proxy, IAM auth when no issuer is given, and retained data', () => {
    const config = parse({});
    expect(config).toMatchObject({
      stackPrefix: 'PorchServerless',
      authMode: 'iam',
      database: 'aurora',
      minCapacity: 0.5,
      maxCapacity: 4,
      rdsProxy: false,
      deletionProtection: true,
      nat: 'gateway',
      syncRateMinutes: 5,
      syncConcurrency: 5,
      logRetentionDays: RetentionDays.ONE_MONTH,
      gitSecretPrefix: 'porch-serverless/git/',
    });
  });

  it('switches to JWT when an issuer is given, and reads -c strings as numbers, flags and lists', () => {
    const config = parse({
      jwtIssuer: 'https://login.example.com/',
      jwtAudience: 'porch, kubectl',
      rdsProxy: 'true',
      deletionProtection: 'false',
      minCapacity: '0',
      maxCapacity: '8',
      syncRateMinutes: '15',
      logRetentionDays: '90',
      database: 'instance',
    });
    expect(config).toMatchObject({
      authMode: 'jwt',
      jwtIssuer: 'https://login.example.com/',
      jwtAudience: ['porch', 'kubectl'],
      rdsProxy: true,
      deletionProtection: false,
      minCapacity: 0,
      maxCapacity: 8,
      syncRateMinutes: 15,
      logRetentionDays: 90,
      database: 'instance',
    });
  });

  it('accepts JSON values as cdk.json gives them', () => {
    expect(
      parse({ rdsProxy: true, syncConcurrency: 20, jwtIssuer: 'https://a.example/', jwtAudience: ['x'] }),
    ).toMatchObject({ rdsProxy: true, syncConcurrency: 20, jwtAudience: ['x'] });
  });

  it('lists in CONFIG_KEYS exactly the keys it reads (the app warns about any other)', () => {
    const read = new Set<string>();
    parseInfraConfig((key) => {
      read.add(key);
      return undefined;
    });
    expect([...read].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it.each([
    [{ authMode: 'jwt' }, /jwtIssuer/],
    [{ jwtIssuer: 'http://insecure.example/', jwtAudience: 'a' }, /https/],
    [{ jwtIssuer: 'https://a.example/' }, /jwtAudience/],
    [{ authMode: 'oauth' }, /authMode must be one of jwt, iam/],
    [{ database: 'dynamo' }, /database must be one of aurora, instance/],
    [{ minCapacity: '4', maxCapacity: '2' }, /below minCapacity/],
    [{ minCapacity: '0.3' }, /multiples of 0.5/],
    [{ syncRateMinutes: '0' }, /syncRateMinutes/],
    [{ syncConcurrency: 'lots' }, /syncConcurrency/],
    [{ logRetentionDays: '10' }, /logRetentionDays must be a CloudWatch retention/],
    [{ rdsProxy: 'yes' }, /rdsProxy must be true or false/],
    [{ gitSecretPrefix: 'no-slash' }, /gitSecretPrefix/],
    [{ stackPrefix: '1bad name' }, /stackPrefix/],
  ])('rejects %j naming the key', (context, message) => {
    expect(() => parse(context)).toThrow(InfraConfigError);
    expect(() => parse(context)).toThrow(message);
  });
});
