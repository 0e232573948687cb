// Front door of the admin API service: start it in-process (all-in-one, tests) over a platform.
export { startAdminApi } from './start-admin-api';
export { AdminApiModule, RUNNING_ADMIN_API } from './admin-api-module';
export type { AdminApiPlatform, RunningAdminApi } from './start-admin-api';
export { DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT } from './admin-api-options';
export type { AdminApiOptions, ResolvedAdminApiOptions } from './admin-api-options';
export { parseTokenList, sha256Hex } from './auth/api-tokens';
export type { ApiTokenSpec, Caller } from './auth/api-tokens';
export { ERROR_STATUSES, statusOf } from './errors/error-statuses';
export type { GrpcStatusName, KnownErrorCode, TransportStatus } from './errors/error-statuses';
export { HTTP_ROUTES, OPENAPI_PATH } from './http/http-routes';
export { EVENT_SCHEMAS_PATH } from './http/event-schemas';
export type { HttpRoute } from './http/http-routes';
export { GRPC_METHODS } from './grpc/grpc-methods';
export { decodeStatusDetails, ERROR_DOMAIN, errorReason } from './grpc/grpc-errors';
export { ADMIN_PACKAGE, ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS, PROTO_ROOT } from './grpc/proto-files';
export { errorSchema, RESPONSE_SCHEMAS } from './http/response-schemas';
