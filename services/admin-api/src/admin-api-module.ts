import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { serviceProviders } from '@roost/platform-nest';
import type { AdminApiOptions } from './admin-api-options';
import { startAdminApi, type AdminApiPlatform, type RunningAdminApi } from './start-admin-api';

/** The running admin API (`RunningAdminApi`). */
export const RUNNING_ADMIN_API = Symbol('roost:admin-api');

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<AdminApiOptions>().setClassMethodName('forRoot').build();

/** The admin API (HTTP and gRPC) as a Nest module: starts it on the process's platform and stops it at shutdown. */
@Module({
  providers: serviceProviders<AdminApiOptions, RunningAdminApi, AdminApiPlatform>({
    name: 'admin-api',
    token: RUNNING_ADMIN_API,
    optionsToken: MODULE_OPTIONS_TOKEN,
    start: startAdminApi,
    stop: (api) => api.stop(),
  }),
  exports: [RUNNING_ADMIN_API],
})
export class AdminApiModule extends ConfigurableModuleClass {}
