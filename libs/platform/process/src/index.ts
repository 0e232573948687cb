export { stopOnSignals } from './stop-on-signals';
export type { StopOnSignalsOptions } from './stop-on-signals';
export { isLoopbackHost, loadTlsFiles, TlsSettingError, watchTlsFiles } from './tls-files';
export type { TlsFiles, TlsMaterial, TlsSettingNames } from './tls-files';
