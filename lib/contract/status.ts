import type { StatusDetails, StatusReason } from '../errors.js';

/** The Kubernetes `Status` object every error response carries (docs/api.md "Errors"). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  code: number;
  details?: StatusDetails;
}

/** Builds a Status body from its parts. */
export function statusBody(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) body.details = details;
  return body;
}
