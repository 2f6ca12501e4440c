import type { QueryResult, QueryResultRow } from 'pg';

/** Anything that runs one parameterised statement: the pool, a transaction's client. Storage functions take one. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
