import type { ApiRole } from '@roost/contracts';
import { AdminError } from '../errors/admin-error';
import type { Caller } from './api-tokens';

/** What an operation needs: reading, changing things, or reading the audit trail. */
export type Permission = 'read' | 'write' | 'audit';

const GRANTS: Readonly<Record<ApiRole, readonly Permission[]>> = {
  viewer: ['read'],
  operator: ['read', 'write'],
  admin: ['read', 'write', 'audit'],
};

const NEEDED: Readonly<Record<Permission, string>> = {
  read: 'viewer, operator or admin',
  write: 'operator or admin',
  audit: 'admin',
};

/** What a role may do. */
export function grantsOf(role: ApiRole): readonly Permission[] {
  return GRANTS[role];
}

export function permits(role: ApiRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function authorize(caller: Caller, permission: Permission, operation: string): void {
  if (permits(caller.role, permission)) return;
  throw new AdminError('auth.forbidden', `${caller.name} (role ${caller.role}) may not ${operation}; it needs the role ${NEEDED[permission]}`, {
    role: caller.role,
    operation,
    needs: NEEDED[permission],
  });
}
