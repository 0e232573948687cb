export { stopOnSignals } from './stop-on-signals';
export type { StopOnSignalsOptions } from './stop-on-signals';
