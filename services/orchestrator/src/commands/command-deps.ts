import type { Logger, MessageBus } from '@roost/ports';
import type { ConfigStore } from '../configs/config-store';
import type { EnrolmentTokenStore } from '../enrolment/enrolment-token-store';
import type { FleetView } from '../fleet/fleet-view';
import type { OrchestratorMetrics } from '../orchestrator-metrics';
import type { RolloutRegistry } from '../rollouts/rollout-registry';

/** What the command handlers work on: the leader's rollouts, config versions and fleet view. */
export interface OrchestratorCommandDeps {
  readonly bus: MessageBus;
  readonly registry: RolloutRegistry;
  readonly configs: ConfigStore;
  readonly view: FleetView;
  readonly enrolment: EnrolmentTokenStore;
  readonly newRolloutId: () => string;
  readonly logger: Logger;
  /** Where answered commands are counted (absent: not counted). */
  readonly metrics?: OrchestratorMetrics;
}

/** Token of the `OrchestratorCommandDeps` the command controllers are given. */
export const ORCHESTRATOR_COMMAND_DEPS = Symbol('roost:orchestrator-command-deps');

/** Answers the admin commands while told to: the orchestrator serves while it leads. */
export interface CommandServer {
  serve(): void;
  pause(): void;
  close(): Promise<void>;
}

/** Sets up the command server of an orchestrator (not yet serving). */
export type CommandServerFactory = (deps: OrchestratorCommandDeps) => Promise<CommandServer>;
