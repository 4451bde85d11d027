// Membrane tenants: `--tenantKey` (within `--workspaceKey`) selects whose RingCentral is used. In the
// sandbox each tenant is its own simulated account with its own state file beside the default one.
import type { Env } from './env.js';

/** Tenant keys with this prefix have not connected RingCentral yet. */
export const NEW_TENANT_PREFIX = 'new-';

/** A file-name-safe form of a key; distinct keys stay distinct (`~` + hex for anything else). */
const safe = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, (c) => `~${c.charCodeAt(0).toString(16)}`);

export function forTenant(env: Env, tenantKey: string | undefined, workspaceKey: string | undefined): Env {
  if (tenantKey === undefined && workspaceKey === undefined) return env;
  const tenant = `${workspaceKey ?? ''}/${tenantKey ?? ''}`;
  const slug = [workspaceKey !== undefined ? `w-${safe(workspaceKey)}` : '', tenantKey !== undefined ? safe(tenantKey) : '']
    .filter(Boolean)
    .join('.');
  const statePath = env.statePath.endsWith('.json') ? `${env.statePath.slice(0, -5)}.${slug}.json` : `${env.statePath}.${slug}`;
  return { ...env, tenant, tenantKey, statePath };
}
