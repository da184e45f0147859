import type { ApiKeyRole } from '../db/schema/index.js';

/** What each role may do. Routes ask for a permission, never for a role. */
export const PERMISSIONS = [
  'admin:read',
  'admin:write',
  'keys:manage',
  'ingest:write',
  'personalize:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS = {
  admin: ['admin:read', 'admin:write', 'keys:manage', 'ingest:write', 'personalize:read'],
  editor: ['admin:read', 'admin:write'],
  viewer: ['admin:read'],
  ingest: ['ingest:write'],
  personalize: ['personalize:read'],
} as const satisfies Record<ApiKeyRole, ReadonlyArray<Permission>>;

export function roleCan(role: ApiKeyRole, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role] as ReadonlyArray<Permission>).includes(permission);
}
