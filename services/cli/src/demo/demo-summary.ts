import type { RolloutListItem } from '../api-types';

/** What the demo checks at the end; every field is something a person can verify with the CLI. */
export interface DemoSummary {
  readonly agents: number;
  readonly environments: Readonly<Record<string, number>>;
  readonly rollouts: readonly {
    readonly id: string;
    readonly target: string;
    readonly config: string;
    readonly status: string;
    readonly members: number;
    readonly applied: number;
    readonly failed: number;
    readonly phase: string | null;
    readonly reason: string | null;
  }[];
  /** Agents that were ever sent the bad config: only the canaries should have been. */
  readonly sentBadConfig: number;
  /** Production agents running the good config at the end (after the rollback). */
  readonly productionOnGood: number;
  readonly production: number;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export function summarise(input: {
  agents: number;
  environments: Readonly<Record<string, number>>;
  rollouts: readonly RolloutListItem[];
  expected: readonly { target: string; status: string }[];
  sentBadConfig: number;
  productionOnGood: number;
}): DemoSummary {
  const rollouts = input.rollouts.map((r) => ({
    id: r.rolloutId,
    target: r.target,
    config: r.configHash.slice(0, 12),
    status: r.status,
    members: r.members,
    applied: r.counts.applied,
    failed: r.counts.failed,
    phase: r.currentPhase,
    reason: r.failureReason,
  }));
  const production = input.environments['production'] ?? 0;
  const problems: string[] = [];
  input.expected.forEach((expected, index) => {
    const actual = rollouts[index];
    if (actual?.target !== expected.target || actual.status !== expected.status) {
      problems.push(`rollout ${index + 1} should have ended ${expected.status} on ${expected.target}, got ${actual ? `${actual.status} on ${actual.target}` : 'nothing'}`);
    }
  });
  const badRollout = rollouts[rollouts.length - 1];
  if (badRollout && input.sentBadConfig > badRollout.members * 0.1) problems.push(`${input.sentBadConfig} agents were sent the bad config: more than the canaries`);
  if (input.productionOnGood !== production) problems.push(`${input.productionOnGood} of ${production} production agents run the good config after the rollback`);
  return { agents: input.agents, environments: input.environments, rollouts, sentBadConfig: input.sentBadConfig, productionOnGood: input.productionOnGood, production, ok: problems.length === 0, problems };
}

export function summaryText(summary: DemoSummary): string {
  const lines = ['What happened:'];
  for (const rollout of summary.rollouts) {
    const outcome =
      rollout.status === 'completed'
        ? `completed: ${rollout.applied}/${rollout.members} agents applied it`
        : `${rollout.status.replace('_', ' ')} in phase ${rollout.phase ?? '-'}: ${rollout.failed} failed${rollout.reason ? ` (${rollout.reason})` : ''}`;
    lines.push(`  - ${rollout.target}, config ${rollout.config}: ${outcome}`);
  }
  lines.push(
    `  - the bad config reached ${summary.sentBadConfig} of ${summary.production} production agents (the canaries) and no other`,
    `  - every one of the ${summary.production} production agents runs the good config again (${summary.productionOnGood}/${summary.production}), each rolled back to its own previous config`,
  );
  lines.push(summary.ok ? 'Demo finished: everything went as designed.' : `Demo finished with problems:\n${summary.problems.map((p) => `  ! ${p}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}
