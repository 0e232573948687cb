import { RESPONSE_SCHEMAS } from '@roost/admin-api';
import type { HttpAnswer } from './admin-api-test-bed';

/** Operations whose real answers were checked against their documented schema in this run. */
export const checkedOperations = new Set<string>();

/**
 * Expects a success with `status` and a body matching the operation's documented response
 * schema (the one the OpenAPI document is generated from); returns the body.
 */
export function documented<T = any>(answer: HttpAnswer, status: number, operation: string): T {
  if (answer.status !== status) throw new Error(`${operation}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  const schema = RESPONSE_SCHEMAS[operation];
  if (schema === undefined) throw new Error(`${operation} has no documented response schema`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${operation}: the answer does not match its documented schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  checkedOperations.add(operation);
  return answer.body as T;
}
