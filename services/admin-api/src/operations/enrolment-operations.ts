import { operation, type Operation } from './operation';
import type { OperationDeps } from './operation-deps';
import { createEnrolmentTokenSchema, enrolmentTokenIdInputSchema, listEnrolmentTokensSchema } from './request-schemas';

/**
 * Agent enrolment tokens, kept by the orchestrator: made (the secret answered once, never
 * stored or audited), listed without secrets, revoked. Making and revoking are writes: audited.
 */
export function enrolmentOperations(deps: OperationDeps): Operation[] {
  return [
    operation({
      name: 'enrolment.create',
      permission: 'write',
      input: createEnrolmentTokenSchema,
      run: (input, context) =>
        deps.orchestrator.createEnrolmentToken({
          name: input.name,
          scope: input.group !== undefined ? { kind: 'group', group: input.group } : { kind: 'agent', agentId: input.agentId ?? '' },
          ...(input.ttlMs !== undefined ? { ttlMs: input.ttlMs } : {}),
          actor: context.caller.name,
        }),
      subjectOf: (_input, result) => result?.token.id ?? null,
    }),
    operation({
      name: 'enrolment.list',
      permission: 'read',
      input: listEnrolmentTokensSchema,
      run: async (input) => {
        const listed = await deps.orchestrator.listEnrolmentTokens({ offset: input.offset ?? 0, limit: input.limit ?? 100, ...(input.issuedFrom !== undefined ? { issuedFrom: input.issuedFrom } : {}) });
        return { total: listed.total, offset: listed.offset, items: listed.tokens };
      },
    }),
    operation({
      name: 'enrolment.revoke',
      permission: 'write',
      input: enrolmentTokenIdInputSchema,
      run: (input, context) => deps.orchestrator.revokeEnrolmentToken(input.id, context.caller.name),
      subjectOf: (input) => input.id,
    }),
  ];
}
