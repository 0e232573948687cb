import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from '@roost/ports';
import { statusOf } from '../errors/error-statuses';
import { errorAnswer } from '../http/http-errors';

/**
 * A failed call's status: the gRPC code from the one mapping table, the message as details,
 * and the Roost error code and details in trailing metadata (`roost-error-code`,
 * `roost-error-details-bin` holding UTF-8 JSON).
 */
export function grpcError(error: unknown, logger: Logger): Partial<ServiceError> {
  const answer = errorAnswer(error, logger);
  const { code, message, details } = answer.body.error;
  const metadata = new Metadata();
  metadata.set('roost-error-code', code);
  metadata.set('roost-error-details-bin', Buffer.from(JSON.stringify(details), 'utf8'));
  return { code: status[statusOf(code).grpc], details: `${code}: ${message}`, metadata };
}
