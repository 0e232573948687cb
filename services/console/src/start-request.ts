import type { StartRolloutRequest } from './api-types';
import { parsePlanText } from './plan-text';

/** The start form's fields as the person typed them. */
export interface StartFields {
  readonly group: string;
  readonly selector: string;
  readonly configVersion: string;
  readonly plan: string;
  readonly policy: 'rollback' | 'pause';
  readonly acceptKeepNewOnFailure: boolean;
  readonly baselineConfigHash: string;
}

/** The request the start form describes, or why it cannot be sent (shown under the form). */
export function startRequest(fields: StartFields): { ok: true; request: StartRolloutRequest } | { ok: false; error: string } {
  const plan = parsePlanText(fields.plan.trim());
  if (!plan.ok) return plan;
  const group = fields.group.trim();
  const selector = fields.selector.trim();
  if ((group === '') === (selector === '')) return { ok: false, error: 'Choose a group or type a selector (one of them).' };
  const baseline = fields.baselineConfigHash.trim();
  return {
    ok: true,
    request: {
      target: group !== '' ? { group } : { selector },
      configVersion: fields.configVersion.trim(),
      plan: plan.plan,
      policy: fields.policy,
      ...(fields.acceptKeepNewOnFailure ? { acceptKeepNewOnFailure: true } : {}),
      ...(baseline === '' ? {} : { baselineConfigHash: baseline }),
    },
  };
}
