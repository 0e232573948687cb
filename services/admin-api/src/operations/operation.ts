import type { z } from 'zod';
import type { Caller } from '../auth/api-tokens';
import type { Permission } from '../auth/permissions';

export type Transport = 'http' | 'grpc';

export interface OperationContext {
  readonly caller: Caller;
  readonly transport: Transport;
}

/**
 * One thing the API does, the same over HTTP and gRPC: who may do it, what input it takes and
 * what it answers. Operations hold no rule of their own: they read views, or send a command to
 * the orchestrator and relay its answer.
 */
export interface Operation<Schema extends z.ZodType = z.ZodType, Result = unknown> {
  /** `<resource>.<verb>`; also the audit subject of writes. */
  readonly name: string;
  readonly permission: Permission;
  readonly input: Schema;
  run(input: z.infer<Schema>, context: OperationContext): Promise<Result>;
  /** Answers from the Redis views: refused with `views.not_ready` while they are not built. */
  readonly readsViews?: boolean;
  /** The rollout id or config name a write acts on, for the audit record. */
  subjectOf?(input: z.infer<Schema>, result: Result | null): string | null;
}

/** Keeps the input type of `run` tied to the schema. */
export function operation<Schema extends z.ZodType, Result>(definition: Operation<Schema, Result>): Operation<Schema, Result> {
  return definition;
}
