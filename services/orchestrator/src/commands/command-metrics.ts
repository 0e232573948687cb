import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { BusContext } from '@roost/platform-nest';
import { tap, type Observable } from 'rxjs';
import { ORCHESTRATOR_COMMAND_DEPS, type OrchestratorCommandDeps } from './command-deps';

/** `rollout.cmd.start` → `rollout.start`, `rollout.query.status` → `rollout.status`. */
export function commandVerb(subject: string): string {
  const [resource = '', , verb = ''] = subject.split('.');
  return `${resource}.${verb}`;
}

/** `ok`, or the error code of a refused command, read from its encoded reply. */
export function commandResult(reply: unknown): string {
  try {
    const decoded = JSON.parse(Buffer.from(reply as Uint8Array).toString('utf8')) as { ok?: boolean; error?: { code?: string } };
    return decoded.ok === true ? 'ok' : (decoded.error?.code ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** Counts every answered command in `roost_orchestrator_commands_total{verb,result}`. */
@Injectable()
export class CommandMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(ORCHESTRATOR_COMMAND_DEPS) private readonly deps: OrchestratorCommandDeps) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const verb = commandVerb(context.switchToRpc().getContext<BusContext>().subject);
    return next.handle().pipe(tap((reply) => this.deps.metrics?.commands.inc({ verb, result: commandResult(reply) })));
  }
}
