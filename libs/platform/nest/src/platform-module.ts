import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Platform } from '@roost/ports';
import { ServiceLifecycle } from './service-lifecycle';

/** The ports every service of the process shares (`Platform`). */
export const PLATFORM = Symbol('roost:platform');
/** The process's `ServiceLifecycle`: the order its services start and stop in. */
export const SERVICE_LIFECYCLE = Symbol('roost:service-lifecycle');

/** The ports of a process; without views when no service of the process reads or writes them. */
export type ShellPlatform = Platform | Omit<Platform, 'views'>;

export type PlatformModuleOptions =
  /** Opened at boot (memory, or NATS and Redis) and closed after the last service stops. */
  | { readonly lifecycle: ServiceLifecycle; readonly open: () => Promise<ShellPlatform> }
  /** Opened and closed by the caller (tests that share one platform between processes). */
  | { readonly lifecycle: ServiceLifecycle; readonly platform: ShellPlatform };

/** At shutdown (it runs after every service module's hook): stops what is left, then the platform. */
@Injectable()
class PlatformShutdown implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle) {}

  onApplicationShutdown(): Promise<void> {
    return this.lifecycle.stopAll();
  }
}

/**
 * Provides the platform (memory adapters, or NATS JetStream and Redis) and the lifecycle to
 * every service module of the process. Global: a service module injects `PLATFORM` without
 * importing it.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { lifecycle } = options;
    const open = 'open' in options ? options.open : () => Promise.resolve(options.platform);
    return {
      module: PlatformModule,
      providers: [
        { provide: SERVICE_LIFECYCLE, useValue: lifecycle },
        { provide: PLATFORM, useFactory: () => lifecycle.openPlatform(open, 'open' in options) },
        PlatformShutdown,
      ],
      exports: [PLATFORM, SERVICE_LIFECYCLE],
    };
  }
}
