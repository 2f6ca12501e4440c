/**
 * The shapes of a render: KRM items moving through a pipeline, the Kptfile's function entries, and kpt's
 * FunctionResultList (docs/render.md).
 */
import type { Document } from 'yaml';

/** One KRM resource in flight: its YAML document (comments and key order kept) and where it is written back. */
export interface KrmItem {
  doc: Document;
  /** File path relative to the root package; undefined for a resource a function created without one. */
  path?: string;
  /** Position of the document in its file. */
  index?: number;
}

/** A resource selector of a pipeline entry (`selectors` / `exclude`). */
export interface Selector {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One `pipeline.mutators[]` / `pipeline.validators[]` entry of a Kptfile. */
export interface FunctionEntry {
  image: string;
  name?: string;
  configPath?: string;
  configMap?: Record<string, string>;
  selectors: Selector[];
  exclude: Selector[];
}

export type Severity = 'error' | 'warning' | 'info';

/** One message of a function (kpt's `Result` of the ResourceList `results`). */
export interface ResultItem {
  message: string;
  severity?: Severity;
  resourceRef?: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  field?: { path?: string; currentValue?: unknown; proposedValue?: unknown };
  file?: { path?: string; index?: number };
  tags?: Record<string, string>;
}

/** What one function run reported. */
export interface FunctionResult {
  image: string;
  exitCode: number;
  stderr?: string;
  results?: ResultItem[];
}

/** kpt's FunctionResultList, as Porch shows it in `status.renderStatus.result`. */
export interface ResultList {
  apiVersion: 'kpt.dev/v1';
  kind: 'FunctionResultList';
  metadata: { name: 'fnresults'; creationTimestamp: null };
  exitCode: number;
  items: FunctionResult[];
}

/** The ResourceList a function receives and answers with. */
export interface FunctionIO {
  items: KrmItem[];
  functionConfig?: Document;
}

/** A function's answer: the new items, its messages, and (for external functions) its exit code and stderr. */
export interface FunctionOutput {
  items: KrmItem[];
  results: ResultItem[];
  exitCode: number;
  stderr?: string;
}

/** A function that can run: built in, or external through a runtime. */
export type KrmFunction = (input: FunctionIO) => Promise<FunctionOutput>;

export const newResultList = (items: FunctionResult[] = [], exitCode = 0): ResultList => ({
  apiVersion: 'kpt.dev/v1',
  kind: 'FunctionResultList',
  metadata: { name: 'fnresults', creationTimestamp: null },
  exitCode,
  items,
});
