import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The JSON an RDS-generated secret holds. */
export interface DatabaseSecret {
  host: string;
  port?: number;
  username: string;
  password: string;
  dbname?: string;
}

/** Reads database credentials from Secrets Manager (once per container; the pool keeps the result). */
export async function readDatabaseSecret(
  secretArn: string,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<DatabaseSecret> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!out.SecretString) throw new Error(`secret ${secretArn} has no SecretString`);
  const secret = JSON.parse(out.SecretString) as Partial<DatabaseSecret>;
  if (!secret.host || !secret.username || !secret.password) {
    throw new Error(`secret ${secretArn} lacks host, username or password`);
  }
  return secret as DatabaseSecret;
}
