/**
 * Membrane tenants: in a multi-user deployment every CLI run carries the person's
 * `--tenantKey`, and a person whose tenant has no RingCentral connection is told how to connect,
 * with the link to open when the CLI gives one, so an assistant can hand it over.
 */
import { ToolError } from '../errors.js';
import type { Connection } from './connection.js';

export const tenantFlags = (tenantKey: string | undefined): string[] => (tenantKey ? ['--tenantKey', tenantKey] : []);

export const ensureCommand = (tenantKey: string) => `membrane connection ensure "https://ringcentral.com" --tenantKey ${tenantKey}`;

/**
 * Connection errors of a tenant, with fixes that name the tenant. `ensure` asks the CLI for the
 * connection to create (and its link); it is only asked when there is no connection at all.
 */
export async function tenantConnectionError(
  error: unknown,
  tenantKey: string,
  ensure: () => Promise<Connection | undefined>,
): Promise<unknown> {
  if (!(error instanceof ToolError)) return error;
  if (error.code === 'no_connection') {
    const created = await ensure().catch(() => undefined);
    const url = created?.clientAction?.uiUrl;
    return new ToolError('no_connection', `your Membrane tenant "${tenantKey}" has no RingCentral connection yet`, {
      fix: url
        ? `open ${url} to connect your RingCentral account (hand this link to the person), then call again; or run ${ensureCommand(tenantKey)}`
        : `run ${ensureCommand(tenantKey)} and open the link it prints, then call again`,
      upstreamCode: created?.state,
    });
  }
  return inTenant(error, tenantKey);
}

/**
 * A fix whose connection commands act on this tenant: without `--tenantKey` they act on the
 * default one, and a person following them would connect their RingCentral to someone else's.
 */
export function tenantFix(fix: string, tenantKey: string): string {
  const flag = ` --tenantKey ${tenantKey}`;
  return fix
    .replace(/membrane connection ensure "https:\/\/ringcentral\.com"(?! --tenantKey)/g, `$&${flag}`)
    .replace(/membrane (?:connect --connectionId=|connection get )[\w.:-]+(?![\w.:-]| --tenantKey)/g, `$&${flag}`)
    .replace(/membrane connection list(?! --tenantKey)/g, `$&${flag}`);
}

/** The error with its fix's connection commands made to act on this tenant (other errors as they are). */
export function inTenant(error: unknown, tenantKey: string): unknown {
  if (!(error instanceof ToolError) || !error.details.fix) return error;
  const fix = tenantFix(error.details.fix, tenantKey);
  return fix === error.details.fix ? error : new ToolError(error.code, error.message, { ...error.details, fix });
}
