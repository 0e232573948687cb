// Front door of the Nest shell shared by every service: the platform module, the start and stop
// sequence of a process's services, booting them as one application context, and a Nest
// transport over Roost's message bus port.
export { bootServices } from './boot-services';
export type { BootServicesOptions } from './boot-services';
export { BusContext, BusTransport } from './bus-transport';
export type { BusTransportOptions } from './bus-transport';
export { PLATFORM, PlatformModule, SERVICE_LIFECYCLE } from './platform-module';
export type { PlatformModuleOptions, ShellPlatform } from './platform-module';
export { serviceProviders } from './service-providers';
export type { ServiceSpec } from './service-providers';
export { ServiceLifecycle, StartAbandonedError } from './service-lifecycle';
export type { ServiceLifecycleOptions, ServiceStop } from './service-lifecycle';
