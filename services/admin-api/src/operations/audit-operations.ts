import { auditRecordContract, STREAMS, subjects, type AuditRecord } from '@roost/contracts';
import { operation, type Operation } from './operation';
import type { OperationDeps } from './operation-deps';
import { listAuditSchema } from './request-schemas';

/** The audit trail, newest first, read from the AUDIT stream (admins only). */
export function auditOperations(deps: OperationDeps): Operation[] {
  return [
    operation({
      name: 'audit.list',
      permission: 'audit',
      input: listAuditSchema,
      run: async (input) => {
        const offset = input.offset ?? 0;
        const limit = input.limit ?? 100;
        const last = await deps.events.lastSequence(STREAMS.audit.name);
        const newest = last - offset;
        if (newest < 1) return { total: last, offset, items: [] as AuditRecord[] };
        const oldest = Math.max(1, newest - limit + 1);
        const stored = await deps.events.read(subjects.auditAll, { fromSequence: oldest });
        const items = stored.filter((event) => event.sequence <= newest).map((event) => auditRecordContract.decode(event.data)).reverse();
        return { total: last, offset, items };
      },
    }),
  ];
}
