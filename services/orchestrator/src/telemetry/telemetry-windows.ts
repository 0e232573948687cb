import { subjects, telemetrySampleContract, type TelemetrySample } from '@roost/contracts';
import { hasCapability, type FleetAgent } from '@roost/fleet';
import type { Logger, MessageBus, Subscription } from '@roost/ports';
import type { AgentTelemetryFigures, TelemetryFiguresOf } from '@roost/rollout';
import { appendSample, windowFigures } from '@roost/telemetry';

/**
 * The recent own-metrics samples of each agent, as the gateways publish them on
 * `telemetry.agent.<uid>` (one per export the agent sends, typically every 60 s; see
 * docs/rollouts.md, "Data-plane gates"). Leader and standbys all listen, so a takeover judges on
 * the same windows. Bounded: `samplesPerAgent` per agent, `maxAgents` agents (the agent heard
 * from longest ago goes first). Lost on restart: a phase then waits for fresh samples.
 */
export class TelemetryWindows {
  private readonly windows = new Map<string, TelemetrySample[]>();

  constructor(
    private readonly limits: { readonly maxAgents: number; readonly samplesPerAgent: number },
  ) {}

  get agents(): number {
    return this.windows.size;
  }

  add(sample: TelemetrySample): void {
    const window = this.windows.get(sample.agentId) ?? [];
    // Re-inserted last: the map's order is the order agents were last heard from.
    this.windows.delete(sample.agentId);
    this.windows.set(sample.agentId, appendSample(window, sample, this.limits.samplesPerAgent));
    for (const agentId of this.windows.keys()) {
      if (this.windows.size <= this.limits.maxAgents) break;
      this.windows.delete(agentId);
    }
  }

  /** The agent's figures from `from` to `to`; null when no sample of it has arrived at all. */
  figures(agentId: string, from: number, to: number): AgentTelemetryFigures | null {
    const window = this.windows.get(agentId);
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
  let warned = false;
  return bus.subscribe(subjects.telemetryAll, (message) => {
    try {
      windows.add(telemetrySampleContract.decode(message.data));
    } catch (error) {
      if (!warned) logger.warn({ subject: message.subject, err: String(error) }, 'dropped an agent telemetry sample that breaks its contract (said once)');
      warned = true;
    }
  });
}
