import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@roost/ports';
import { PlatformModule, type PlatformModuleOptions, type ShellPlatform } from './platform-module';
import { ServiceLifecycle, type ServiceLifecycleOptions } from './service-lifecycle';

export interface BootServicesOptions extends ServiceLifecycleOptions {
  /** The service modules of this process (`GatewayModule.forRoot(...)`, ...). */
  readonly services: readonly DynamicModule[];
  /** How the platform is had; see `PlatformModuleOptions`. */
  readonly platform: { readonly open: () => Promise<ShellPlatform> } | { readonly platform: ShellPlatform };
  /** Where a failed stop after a failed start is logged. */
  readonly logger: Logger;
}

/** The root of one process: the platform and the chosen service modules. */
@Module({})
class ServicesRootModule {}

/**
 * Boots the services as one Nest application context: the platform first, then each service
 * in its turn. A failed start stops what did start (and an owned platform) and rethrows the
 * error as it was raised. `close()` on the context is the graceful stop.
 */
export async function bootServices(options: BootServicesOptions): Promise<INestApplicationContext> {
  const lifecycle = new ServiceLifecycle(options);
  const platform: PlatformModuleOptions = { lifecycle, ...options.platform };
  const root: DynamicModule = { module: ServicesRootModule, imports: [PlatformModule.forRoot(platform), ...options.services] };
  try {
    return await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false, moduleIdGeneratorAlgorithm: 'reference' });
  } catch (error) {
    await lifecycle.abandon().catch((stopError: unknown) => options.logger.error({ error: String(stopError) }, 'stop after a failed start failed too'));
    throw error;
  }
}
