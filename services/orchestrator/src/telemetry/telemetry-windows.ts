import { subjects, telemetrySampleContract, type TelemetrySample } from '@roost/contracts';
import { hasCapability, type FleetAgent } from '@roost/fleet';
import type { Logger, MessageBus, Subscription } from '@roost/ports';
import type { AgentTelemetryFigures, TelemetryFiguresOf } from '@roost/rollout';
import { appendSample, windowFigures } from '@roost/telemetry';
import { followMessages, RecentByAgent } from './recent-by-agent';

/**
 * The recent own-metrics samples of each agent, as the gateways publish them on
 * `telemetry.agent.<uid>` (one per export the agent sends, typically every 60 s; see
 * docs/rollouts.md, "Data-plane gates"). Leader and standbys all listen, so a takeover judges on
 * the same windows. Bounded: `samplesPerAgent` per agent, `maxAgents` agents (the agent heard
 * from longest ago goes first). Lost on restart: a phase then waits for fresh samples.
 */
export class TelemetryWindows {
  private readonly windows: RecentByAgent<TelemetrySample>;

  constructor(private readonly limits: { readonly maxAgents: number; readonly samplesPerAgent: number }) {
    this.windows = new RecentByAgent(limits.maxAgents);
  }

  get agents(): number {
    return this.windows.agents;
  }

  add(sample: TelemetrySample): void {
    this.windows.update(sample.agentId, (window) => appendSample(window, sample, this.limits.samplesPerAgent));
  }

  /** The agent's figures from `from` to `to`; null when no sample of it has arrived at all. */
  figures(agentId: string, from: number, to: number): AgentTelemetryFigures | null {
    const window = this.windows.of(agentId);
    return window === undefined ? null : windowFigures(window, from, to);
  }

  /**
   * What the rollout engine reads: agents that do not report ReportsOwnMetrics, or never sent
   * own metrics (no gateway offered it them), count as not reporting (judged by the other gates).
   */
  figuresOf(agentOf: (agentId: string) => FleetAgent | undefined): TelemetryFiguresOf {
    return (agentId, from, to) => {
      const agent = agentOf(agentId);
      if (agent === undefined || !hasCapability(agent.capabilities, 'ReportsOwnMetrics')) return null;
      return this.figures(agentId, from, to);
    };
  }
}

/** Follows every agent's samples into the windows; a message that breaks the contract is logged and dropped. */
export function listenForTelemetry(bus: MessageBus, windows: TelemetryWindows, logger: Logger): Subscription {
  return followMessages(bus, subjects.telemetryAll, telemetrySampleContract, (sample) => windows.add(sample), logger);
}
