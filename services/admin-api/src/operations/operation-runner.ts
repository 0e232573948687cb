import type { ViewsState } from '@roost/views';
import type { RequestObservation } from '../admin-metrics';
import type { ApiTokens, Caller } from '../auth/api-tokens';
import { authorize } from '../auth/permissions';
import { auditedRequest, type AuditLog } from '../audit/audit-log';
import { AdminError } from '../errors/admin-error';
import { statusOf } from '../errors/error-statuses';
import type { Operation, Transport } from './operation';
import { validate } from './validation';

export interface Invocation {
  readonly operation: string;
  /** The raw input, as the transport assembled it (path, query and body; or the gRPC message). */
  readonly input: unknown;
  /** The bearer token presented; null when none. */
  readonly token: string | null;
  readonly transport: Transport;
  /** The HTTP status a success answers with (for the audit record). Default 200. */
  readonly successStatus?: number;
}

/**
 * The one path every request takes, whichever transport: authenticate, authorize, validate,
 * run; and for writes, an audit record of who asked what and what came of it (allowed,
 * refused or denied alike).
 */
export class OperationRunner {
  private readonly operations = new Map<string, Operation>();

  constructor(
    operations: readonly Operation[],
    private readonly tokens: ApiTokens,
    private readonly audit: AuditLog,
    /** Whether the views can be read now; reads that use them are refused while not. */
    private readonly viewsState: () => Promise<ViewsState> = async () => 'built',
    /** Told of every answered request: its operation, transport, result (`ok` or the code) and duration. */
    private readonly observe: (request: RequestObservation) => void = () => undefined,
  ) {
    for (const op of operations) {
      if (this.operations.has(op.name)) throw new Error(`operation ${op.name} defined twice`);
      this.operations.set(op.name, op);
    }
  }

  names(): string[] {
    return [...this.operations.keys()];
  }

  get(name: string): Operation {
    const op = this.operations.get(name);
    if (op === undefined) throw new Error(`no operation ${name}`);
    return op;
  }

  async invoke(invocation: Invocation): Promise<{ caller: Caller; result: unknown }> {
    const started = performance.now();
    const seen = (result: string): void => this.observe({ operation: invocation.operation, transport: invocation.transport, result, seconds: (performance.now() - started) / 1000 });
    try {
      const answer = await this.invokeOnce(invocation);
      seen('ok');
      return answer;
    } catch (error) {
      seen(error instanceof AdminError ? error.code : 'admin.internal');
      throw error;
    }
  }

  private async invokeOnce(invocation: Invocation): Promise<{ caller: Caller; result: unknown }> {
    const op = this.get(invocation.operation);
    let caller: Caller | null = null;
    let input: unknown = null;
    try {
      caller = this.tokens.authenticate(invocation.token);
      authorize(caller, op.permission, op.name);
      input = validate(op.input, invocation.input);
      if (op.readsViews === true) await this.viewsReadable();
      const result = await op.run(input, { caller, transport: invocation.transport });
      if (op.permission === 'write') await this.record(op, invocation, caller, input, result, null);
      return { caller, result };
    } catch (error) {
      if (op.permission === 'write') await this.record(op, invocation, caller, input, null, error);
      throw error;
    }
  }

  /** A view being rebuilt would answer "not found" or an empty fleet: that would be untrue. */
  private async viewsReadable(): Promise<void> {
    const state = await this.viewsState();
    if (state === 'built') return;
    const why = state === 'rebuilding' ? 'the projector is rebuilding the views from the event streams' : 'the views are not built (just flushed, or no projector has run)';
    throw new AdminError('views.not_ready', `${why}; nothing is lost — retry in a few seconds (GET /readyz answers 200 once they are ready)`, { views: state });
  }

  private async record(op: Operation, invocation: Invocation, caller: Caller | null, input: unknown, result: unknown, error: unknown): Promise<void> {
    const code = error === null ? null : error instanceof AdminError ? error.code : 'admin.internal';
    const status = code === null ? (invocation.successStatus ?? 200) : statusOf(code).http;
    const outcome = code === null ? 'ok' : status === 401 || status === 403 ? 'denied' : 'refused';
    let subject: string | null = null;
    try {
      subject = input === null ? null : (op.subjectOf?.(input, result) ?? null);
    } catch {
      subject = null;
    }
    await this.audit.record({
      actor: caller === null ? { name: 'unauthenticated', role: null } : { name: caller.name, role: caller.role },
      transport: invocation.transport,
      operation: op.name,
      subject,
      request: auditedRequest(input ?? invocation.input),
      result: { outcome, status, code, message: error instanceof Error ? error.message : null },
    });
  }
}
