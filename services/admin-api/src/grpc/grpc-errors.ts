import { join } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from '@roost/ports';
import { Root, type Type } from 'protobufjs';
import { statusOf } from '../errors/error-statuses';
import { errorAnswer } from '../http/http-errors';
import { PROTO_ROOT } from './proto-files';

/** The ErrorInfo domain of every Roost error. */
export const ERROR_DOMAIN = 'roost.admin.v1';

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

function loadErrorTypes(): { Status: Type; ErrorInfo: Type; BadRequest: Type } {
  const root = new Root();
  // google/protobuf/* are bundled with protobufjs; the rest is ours, under proto/.
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target));
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  return { Status: root.lookupType('google.rpc.Status'), ErrorInfo: root.lookupType('google.rpc.ErrorInfo'), BadRequest: root.lookupType('google.rpc.BadRequest') };
}

let types: ReturnType<typeof loadErrorTypes> | null = null;
const errorTypes = () => (types ??= loadErrorTypes());

/** `rollout.not_found` → `ROLLOUT_NOT_FOUND` (ErrorInfo reasons are UPPER_SNAKE_CASE). */
export const errorReason = (code: string): string => code.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

const any = (type: Type, message: Record<string, unknown>) => ({ type_url: `type.googleapis.com/${type.fullName.slice(1)}`, value: type.encode(type.fromObject(message)).finish() });

/**
 * A failed call's status: the gRPC code from the one mapping table, `<code>: <message>` as the
 * message, and a google.rpc.Status in `grpc-status-details-bin` carrying a google.rpc.ErrorInfo
 * (reason from Roost's code, metadata `code` plus each detail, non-strings as JSON) and, for
 * invalid input, a google.rpc.BadRequest naming each field.
 */
export function grpcError(error: unknown, logger: Logger): Partial<ServiceError> {
  const { code, message, details } = errorAnswer(error, logger).body.error;
  const grpcCode = status[statusOf(code).grpc];
  const { Status, ErrorInfo, BadRequest } = errorTypes();
  const metadata: Record<string, string> = { code };
  for (const [key, value] of Object.entries(details)) metadata[key] = typeof value === 'string' ? value : JSON.stringify(value);
  const packed = [any(ErrorInfo, { reason: errorReason(code), domain: ERROR_DOMAIN, metadata })];
  const issues = Array.isArray(details.issues) ? (details.issues as { path?: unknown; message?: unknown }[]) : [];
  if (issues.length > 0) packed.push(any(BadRequest, { field_violations: issues.map((issue) => ({ field: String(issue.path ?? ''), description: String(issue.message ?? '') })) }));
  const text = `${code}: ${message}`;
  const trailers = new Metadata();
  trailers.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode(Status.fromObject({ code: grpcCode, message: text, details: packed })).finish()));
  return { code: grpcCode, details: text, metadata: trailers };
}

export interface DecodedErrorDetails {
  readonly code: number;
  readonly message: string;
  readonly errorInfo: { readonly reason: string; readonly domain: string; readonly metadata: Record<string, string> } | null;
  readonly badRequest: { readonly field_violations: { field: string; description: string }[] } | null;
}

/** Decodes `grpc-status-details-bin` (for clients written in TypeScript, and tests). */
export function decodeStatusDetails(bytes: Uint8Array): DecodedErrorDetails {
  const { Status, ErrorInfo, BadRequest } = errorTypes();
  const decoded = Status.toObject(Status.decode(bytes), { defaults: true }) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
  const find = (type: Type) => {
    const packed = decoded.details.find((detail) => detail.type_url.endsWith(`/${type.fullName.slice(1)}`));
    return packed === undefined ? null : type.toObject(type.decode(packed.value), { defaults: true });
  };
  return { code: decoded.code, message: decoded.message, errorInfo: find(ErrorInfo) as DecodedErrorDetails['errorInfo'], badRequest: find(BadRequest) as DecodedErrorDetails['badRequest'] };
}
