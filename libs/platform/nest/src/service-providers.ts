import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Platform } from '@roost/ports';
import { PLATFORM, SERVICE_LIFECYCLE } from './platform-module';
import type { ServiceLifecycle } from './service-lifecycle';

export interface ServiceSpec<Options, Service, Ports = Platform> {
  /** The service's name in the process's start and stop order (`gateway`, `orchestrator`, ...). */
  readonly name: string;
  /** Token of the running service. */
  readonly token: symbol;
  /** Token of the module's options (`MODULE_OPTIONS_TOKEN` of its `ConfigurableModuleBuilder`). */
  readonly optionsToken: string | symbol;
  /** Today's plain start function of the service. */
  readonly start: (options: Options, platform: Ports) => Promise<Service>;
  /** Its graceful stop. */
  readonly stop: (service: Service, options: Options) => Promise<void>;
}

/**
 * The two providers of a service module: the running service, whose factory starts it in its
 * turn, and a shutdown hook that stops it (after what its process stops first).
 */
export function serviceProviders<Options, Service, Ports = Platform>(spec: ServiceSpec<Options, Service, Ports>): Provider[] {
  @Injectable()
  class ServiceShutdown implements OnApplicationShutdown {
    constructor(@Inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle) {}

    onApplicationShutdown(): Promise<void> {
      return this.lifecycle.stopService(spec.name);
    }
  }
  return [
    {
      provide: spec.token,
      inject: [spec.optionsToken, PLATFORM, SERVICE_LIFECYCLE],
      // The process opens the platform its services need (views only where a service reads or writes them).
      useFactory: (options: Options, platform: Ports, lifecycle: ServiceLifecycle) =>
        lifecycle.start(
          spec.name,
          () => spec.start(options, platform),
          (service) => () => spec.stop(service, options),
        ),
    },
    { provide: Symbol(`${spec.name} shutdown`), useClass: ServiceShutdown },
  ];
}
