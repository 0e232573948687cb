/** The collector interop harness: real OpenTelemetry Collectors under the real opampsupervisor. */
export { collectorBinaries, type CollectorBinaries } from './collector-build';
export { childProcesses, holdPort, otlpHttpAccepts, processAlive, tcpAnswers, type ProcessIdentity } from './probes';
export { AdminApiError, AdminClient, startRoostUnderTest, type Json, type RoostUnderTest } from './roost-under-test';
export { SupervisedCollector, type StopResult, type SupervisedCollectorOptions } from './supervised-collector';
export { startSupervisedFleet, type OpampTransport, type SupervisedFleet, type SupervisedFleetOptions } from './supervised-fleet';
export { COLLECTOR_ARGS, SUPERVISOR_CAPABILITIES, supervisorConfigYaml, type SupervisorConfigOptions } from './supervisor-config';
