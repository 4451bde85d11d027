/** src/membrane/tenant.ts: connection errors of a person's Membrane tenant name the tenant and the link to connect. */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { connectionStateError, listedConnection } from '../../src/membrane/connection.js';
import { inTenant, tenantConnectionError, tenantFix, tenantFlags } from '../../src/membrane/tenant.js';

const none = new ToolError('no_connection', 'there is no RingCentral connection in Membrane', {
  fix: 'membrane connection ensure "https://ringcentral.com"',
});

describe('tenantConnectionError', () => {
  it('no connection: the fix is the link the CLI returned, plus the ensure command for the tenant', async () => {
    const ensure = async () => ({
      id: 'c9',
      state: 'CLIENT_ACTION_REQUIRED',
      clientAction: { type: 'connect' as const, uiUrl: 'https://connect.example/c9' },
    });
    const error = (await tenantConnectionError(none, 'new-dana', ensure)) as ToolError;
    expect(error.code).toBe('no_connection');
    expect(error.message).toBe('your Membrane tenant "new-dana" has no RingCentral connection yet');
    expect(error.details.fix).toBe(
      'open https://connect.example/c9 to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana',
    );
  });

  it('no connection and no link (the CLI failed or gave none): the fix is the ensure command', async () => {
    for (const ensure of [async () => undefined, async () => Promise.reject(new Error('boom'))]) {
      const error = (await tenantConnectionError(none, 'new-dana', ensure)) as ToolError;
      expect(error.details.fix).toBe(
        'run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana and open the link it prints, then call again',
      );
    }
  });

  it('a connection that needs the person again: the reconnect command names the tenant', async () => {
    const problem = connectionStateError(
      listedConnection({
        id: 'c1',
        name: 'RingCentral',
        state: 'CLIENT_ACTION_REQUIRED',
        clientAction: { uiUrl: 'https://connect.example/c1' },
      }),
    );
    const error = (await tenantConnectionError(problem, 'alice', async () => undefined)) as ToolError;
    expect(error.code).toBe('connection_not_ready');
    expect(error.details.fix).toBe(
      'membrane connect --connectionId=c1 --tenantKey alice, or open https://connect.example/c1 (reconnect this one; do not create another)',
    );
  });

  it('other errors pass unchanged', async () => {
    const other = new ToolError('timeout', 'slow');
    expect(await tenantConnectionError(other, 'alice', async () => undefined)).toBe(other);
  });

  it('flags: none without a tenant', () => {
    expect(tenantFlags(undefined)).toEqual([]);
    expect(tenantFlags('alice')).toEqual(['--tenantKey', 'alice']);
  });
});

describe('tenantFix', () => {
  it('names the tenant in every connection command of a fix, once, and leaves the rest', () => {
    const fix =
      'membrane connection ensure "https://ringcentral.com"; if you pinned an id, check it with membrane connection list --json; ' +
      'or membrane connect --connectionId=con_a.1 (then membrane connection get con_a.1 --wait); membrane login --tenant';
    const once = tenantFix(fix, 'alice');
    expect(once).toBe(
      'membrane connection ensure "https://ringcentral.com" --tenantKey alice; if you pinned an id, check it with membrane connection list --tenantKey alice --json; ' +
        'or membrane connect --connectionId=con_a.1 --tenantKey alice (then membrane connection get con_a.1 --tenantKey alice --wait); membrane login --tenant',
    );
    expect(tenantFix(once, 'alice')).toBe(once);
  });

  it('inTenant: an error with such a fix gets a copy with the tenant; others are returned as they are', () => {
    const pinned = new ToolError('no_connection', 'connection c7 was not found', {
      fix: 'membrane connection ensure "https://ringcentral.com", then pin the id it prints',
      upstreamCode: 'not_found',
    });
    const named = inTenant(pinned, 'bob') as ToolError;
    expect(named.code).toBe('no_connection');
    expect(named.message).toBe('connection c7 was not found');
    expect(named.details).toEqual({
      fix: 'membrane connection ensure "https://ringcentral.com" --tenantKey bob, then pin the id it prints',
      upstreamCode: 'not_found',
    });
    const other = new ToolError('rate_limited', 'wait', { fix: 'wait 5 s' });
    expect(inTenant(other, 'bob')).toBe(other);
    expect(inTenant('text', 'bob')).toBe('text');
  });
});
