import { auditRecordContract, STREAMS, subjects, UnreadableEventError, type AuditRecord } from '@roost/contracts';
import type { StoredEvent } from '@roost/ports';
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
        const items = stored.filter((event) => event.sequence <= newest).flatMap(readableRecord).reverse();
        return { total: last, offset, items };
      },
    }),
  ];
}

/** A record a newer Roost wrote (a new type, a newer schema) is left out of the list, not an error. */
function readableRecord(event: StoredEvent): AuditRecord[] {
  try {
    return [auditRecordContract.decode(event.data)];
  } catch (error) {
    if (error instanceof UnreadableEventError) return [];
    throw error;
  }
}
