import type { RolloutTargetRequest } from '@roost/contracts';
import { parseSelector, type Target } from '@roost/fleet';
import { OrchestratorError } from '../orchestrator-error';

/** A target as the engine takes it; selector text is parsed here and refused with its position. */
export function targetOf(request: RolloutTargetRequest): Target {
  if (request.kind === 'group') return { kind: 'group', group: request.group };
  if (typeof request.selector !== 'string') return { kind: 'selector', selector: request.selector };
  const parsed = parseSelector(request.selector);
  if (!parsed.ok) {
    throw new OrchestratorError('target.invalid_selector', `selector "${request.selector}" does not parse: ${parsed.error.message}`, { selectorCode: parsed.error.code, position: parsed.error.position });
  }
  return { kind: 'selector', selector: parsed.selector };
}
