// Test support for suites that drive a gateway (interop, storm, end-to-end): scripted OpAMP
// agents written against the wire format, and the orchestrator's side of config delivery.
export { fleetEvents, nudge, setDesired, storeConfig } from './fleet-fixture';
export {
  HttpTestAgent,
  TEST_CAPABILITIES,
  UpgradeRefused,
  WsTestAgent,
  offeredConfigHash,
  postOpamp,
  testDescription,
} from './opamp-test-agent';
export type { HttpExchange, HttpPostOptions, TestTlsClient } from './opamp-test-agent';
export { fuzzHttp, fuzzWebSocket, healthyRoundTrips, quantile } from './opamp-fuzz-driver';
export type { FuzzReport } from './opamp-fuzz-driver';
export { httpFuzzInput, sampleInputs, wsFuzzInput, wsVerdictOf } from './opamp-fuzz-inputs';
export type { HttpFuzzInput, WsFuzzInput, WsVerdict } from './opamp-fuzz-inputs';
