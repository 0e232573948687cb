import { randomUUID } from 'node:crypto';
import { AUDIT_EVENT_SCHEMA_VERSION, auditRecordContract, subjects, type AuditRecord } from '@roost/contracts';
import { EVENT_SOURCES, publishedEventHeaders } from '@roost/event-catalog';
import type { EventStore, Logger } from '@roost/ports';

export type AuditEntry = Omit<AuditRecord, 'type' | 'schemaVersion' | 'id' | 'at'>;

/**
 * Appends one `AdminRequestHandled` event per write request to the AUDIT stream. The caller's
 * answer goes out after the append; an append that fails does not turn a done write into an
 * error, it is logged with the whole record so the trail can be recovered from the logs.
 */
export class AuditLog {
  constructor(
    private readonly events: EventStore,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const record: AuditRecord = { type: 'AdminRequestHandled', schemaVersion: AUDIT_EVENT_SCHEMA_VERSION, id: randomUUID(), at: this.now(), ...entry };
    try {
      const headers = publishedEventHeaders('audit', record, EVENT_SOURCES.adminApi);
      await this.events.append(subjects.audit(entry.operation), auditRecordContract.encode(record), { messageId: record.id, headers });
    } catch (error) {
      this.logger.error({ audit: record, err: String(error) }, 'could not store an audit record');
    }
  }
}

/** What the audit keeps of a request: its fields, with config YAML replaced by its size. */
export function auditedRequest(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const bulky = typeof value === 'string' && (/yaml$/i.test(key) || key === 'config') && value.length > 0;
    out[key] = bulky ? `<${Buffer.byteLength(value as string, 'utf8')} bytes>` : value;
  }
  return out;
}
