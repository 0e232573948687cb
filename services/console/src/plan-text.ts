/** A rollout plan as a person types it: `2% 5m, 10% 5m, 50% 3m, 100%` (a count without `%`, `approve` to wait for one). */
export interface PlanPhase {
  readonly percent?: number;
  readonly count?: number;
  readonly windowMs?: number;
  readonly requireApproval?: boolean;
}

export const DEFAULT_PLAN_TEXT = '2% 5m, 10% 5m, 50% 3m, 100%';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The phases of a plan text, or what is wrong with it (naming the phase). */
export function parsePlanText(text: string): { ok: true; plan: PlanPhase[] } | { ok: false; error: string } {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === '') return { ok: false, error: 'the plan is empty: give phases like "2% 5m, 100%"' };
  const plan: PlanPhase[] = [];
  for (const [index, part] of parts.entries()) {
    const words = part.split(/\s+/).filter((word) => word !== '');
    const size = /^(\d+(?:\.\d+)?)(%?)$/.exec(words[0] ?? '');
    if (size === null) return { ok: false, error: `phase ${index + 1} ("${part}"): start with a size, a percentage (10%) or a number of agents (5)` };
    let phase: PlanPhase = size[2] === '%' ? { percent: Number(size[1]) } : { count: Number(size[1]) };
    for (const word of words.slice(1)) {
      const window = /^(\d+)(ms|s|m|h)$/.exec(word);
      if (window !== null) phase = { ...phase, windowMs: Number(window[1]) * (UNIT_MS[window[2] ?? 'ms'] ?? 1) };
      else if (word === 'approve') phase = { ...phase, requireApproval: true };
      else return { ok: false, error: `phase ${index + 1} ("${part}"): "${word}" is neither a window (30s, 5m) nor "approve"` };
    }
    plan.push(phase);
  }
  return { ok: true, plan };
}
