import { resolve } from 'node:path';

/** proto/ at the repository root. */
export const PROTO_ROOT = resolve(__dirname, '../../../../proto');
export const ADMIN_PACKAGE = 'roost.admin.v1';
/** The services of roost.admin.v1, one file each, then the standard files the server also serves. */
export const ADMIN_PROTO_FILES = [
  'roost/admin/v1/config_service.proto',
  'roost/admin/v1/agent_service.proto',
  'roost/admin/v1/group_service.proto',
  'roost/admin/v1/rollout_service.proto',
  'roost/admin/v1/enrolment_service.proto',
  'roost/admin/v1/audit_service.proto',
  'grpc/health/v1/health.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

/** Field names as in the .proto, 64-bit integers as numbers, enums as names, absent fields absent. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: false, arrays: true, oneofs: true, includeDirs: [PROTO_ROOT] };
