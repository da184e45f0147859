import { describe, expect, it } from 'vitest';
import { API_KEY_ROLES } from '../../src/db/schema/index.js';
import { PERMISSIONS, roleCan } from '../../src/http/permissions.js';

describe('role permissions', () => {
  it('give ingest and personalize keys exactly one permission each', () => {
    expect(PERMISSIONS.filter((p) => roleCan('ingest', p))).toEqual(['ingest:write']);
    expect(PERMISSIONS.filter((p) => roleCan('personalize', p))).toEqual(['personalize:read']);
  });

  it('let only admins manage keys', () => {
    expect(API_KEY_ROLES.filter((role) => roleCan(role, 'keys:manage'))).toEqual(['admin']);
  });

  it('let viewers read but not write', () => {
    expect(roleCan('viewer', 'admin:read')).toBe(true);
    expect(roleCan('viewer', 'admin:write')).toBe(false);
    expect(roleCan('editor', 'admin:write')).toBe(true);
  });
});
