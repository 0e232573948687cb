// Front door of the rollout orchestrator: start it in-process (all-in-one, tests, benchmarks).
export { startOrchestrator } from './start-orchestrator';
export { OrchestratorModule, RUNNING_ORCHESTRATOR } from './orchestrator-module';
export type { CommandServer, CommandServerFactory, OrchestratorCommandDeps } from './commands/command-deps';
export type { OrchestratorPlatform, RunningOrchestrator } from './start-orchestrator';
export type { OrchestratorOptions, ResolvedOrchestratorOptions, WebhookTarget } from './orchestrator-options';
export type { OrchestratorErrorCode } from './orchestrator-error';
