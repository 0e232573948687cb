import { ContractViolationError, type CommandError, type CommandReply, type JsonContract } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { OrchestratorError } from '../orchestrator-error';

/** A command refused with an error that is already in reply form (e.g. the rollout engine's). */
export class CommandRefusal extends Error {
  constructor(readonly error: CommandError) {
    super(error.message);
    this.name = 'CommandRefusal';
  }
}

/**
 * Answers one command: decode the request with its contract, run, and encode the result or a
 * coded error. Nothing a request carries can crash the process.
 */
export async function answerCommand<Request, Result>(
  data: Uint8Array,
  requestContract: JsonContract<Request>,
  replyContract: JsonContract<CommandReply<Result>>,
  logger: Logger,
  run: (request: Request) => Promise<Result>,
): Promise<Uint8Array> {
  try {
    const result = await run(requestContract.decode(data));
    return replyContract.encode({ ok: true, result });
  } catch (error) {
    return replyContract.encode({ ok: false, error: toCommandError(error, logger) });
  }
}

function toCommandError(error: unknown, logger: Logger): CommandError {
  if (error instanceof CommandRefusal) return error.error;
  if (error instanceof OrchestratorError) return error.toCommandError();
  if (error instanceof ContractViolationError) return { code: 'command.invalid', message: `${error.message}; fix the request and send it again`, details: { contract: error.contract } };
  logger.error({ err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 'command failed unexpectedly');
  const reason = error instanceof Error ? error.message : String(error);
  return { code: 'orchestrator.unavailable', message: `the orchestrator could not complete the command (${reason}); retry shortly`, details: {} };
}
