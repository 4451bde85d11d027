// The RingCentral connection(s) of the simulated workspace; their state comes from the faults.
// Each tenant has its own; a tenant whose key starts with `new-` has none until it connects.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Env } from './env.js';
import { MembraneError, notFound } from './errors.js';
import { fnv } from './hash.js';
import { MEMBRANE_UI } from './hosts.js';
import { NEW_TENANT_PREFIX } from './tenant.js';

export const CONNECTION_ID = 'con_sbx_ringcentral';
export const CONNECTOR_ID = 'cnr_sbx_ringcentral';
const INTEGRATION = { id: 'int_sbx_ringcentral', key: 'ringcentral', name: 'RingCentral' };

export interface Connection {
  id: string;
  name: string;
  key: string;
  state: string;
  disconnected: boolean;
  integrationId: string;
  connectorId: string;
  integration: typeof INTEGRATION;
  error?: { type: string; key: string; message: string };
  clientAction?: { type: string; description: string; uiUrl: string; agentInstructions: string };
  createdAt: string;
  updatedAt: string;
}

function base(id: string, name: string, key: string): Connection {
  return {
    id,
    name,
    key,
    state: 'READY',
    disconnected: false,
    integrationId: INTEGRATION.id,
    connectorId: CONNECTOR_ID,
    integration: { ...INTEGRATION },
    createdAt: '2026-01-15T09:30:00.000Z',
    updatedAt: '2026-01-15T09:31:12.000Z',
  };
}

function reconnectAction(id: string): Connection['clientAction'] {
  return {
    type: 'connect',
    description: 'RingCentral needs to be re-authorized: the access was revoked or expired.',
    uiUrl: `${MEMBRANE_UI}/connect/${id}`,
    agentInstructions: `Ask the user to open uiUrl in a browser, or to run: membrane connect --connectionId=${id}`,
  };
}

type Who = Pick<Env, 'tenant' | 'tenantKey' | 'statePath'>;

/** The tenant's connection id (the default account keeps the well-known one). */
export const connectionId = (env: Who) => (env.tenant === undefined ? CONNECTION_ID : `con_sbx_rc_${fnv(`tenant:${env.tenant}`)}`);

/** Where a `new-` tenant records that it has connected RingCentral (removed by reset). */
export const connectedMarker = (env: Who) => `${env.statePath}.connected`;

export const unconnected = (env: Who) => Boolean(env.tenantKey?.startsWith(NEW_TENANT_PREFIX)) && !existsSync(connectedMarker(env));

export function markConnected(env: Who): void {
  mkdirSync(dirname(env.statePath), { recursive: true });
  writeFileSync(connectedMarker(env), new Date().toISOString());
}

/** The connection a person must authorize in the browser before the tenant can use RingCentral. */
export function pendingConnection(env: Who & Pick<Env, 'now'>): Connection {
  const id = connectionId(env);
  const t = new Date(env.now()).toISOString();
  const uiUrl = `${MEMBRANE_UI}/connect/ringcentral?tenantKey=${encodeURIComponent(env.tenantKey ?? '')}`;
  return {
    ...base(id, 'RingCentral', 'ringcentral'),
    state: 'CLIENT_ACTION_REQUIRED',
    createdAt: t,
    updatedAt: t,
    clientAction: {
      type: 'connect',
      description: 'Connect RingCentral: the person signs in to RingCentral and allows access.',
      uiUrl,
      agentInstructions: 'Ask the user to open uiUrl in a browser and sign in to RingCentral, then try again.',
    },
  };
}

export function connections(env: Pick<Env, 'faults'> & Who): Connection[] {
  const f = env.faults;
  if (f.has('no-connection') || unconnected(env)) return [];
  const main = base(connectionId(env), 'RingCentral', 'ringcentral');
  if (f.has('disconnected')) {
    Object.assign(main, { state: 'CLIENT_ACTION_REQUIRED', disconnected: true, clientAction: reconnectAction(main.id) });
  } else if (f.has('building')) {
    main.state = 'BUILDING';
  } else if (f.has('config-error')) {
    Object.assign(main, {
      state: 'CONFIGURATION_ERROR',
      error: {
        type: 'configuration',
        key: 'invalid_configuration',
        message: 'RingCentral OAuth app rejected the client credentials (invalid_client). Fix the app credentials in the Membrane console.',
      },
      clientAction: {
        type: 'provide-input',
        description: 'Fix the RingCentral app configuration',
        uiUrl: `${MEMBRANE_UI}/connections/${main.id}/configuration`,
        agentInstructions: 'A person must fix the connection configuration in the Membrane console (uiUrl).',
      },
    });
  }
  const list = [main];
  if (f.has('two-connections')) list.push(base(`${main.id}_2`, 'RingCentral (Support line)', 'ringcentral-support'));
  return list;
}

export function findConnection(env: Env, idOrKey: string): Connection {
  const c = connections(env).find((x) => x.id === idOrKey || x.key === idOrKey);
  if (!c) throw notFound(`Connection with id or key '${idOrKey}' not found`);
  return c;
}

/** What Membrane says when a run or request goes through a connection that cannot be used. */
export function requireReady(c: Connection): void {
  if (c.disconnected || c.state === 'CLIENT_ACTION_REQUIRED') {
    throw new MembraneError(
      'connection',
      'connection_is_defunct',
      `Connection ${c.id} is disconnected: reconnect it with membrane connect --connectionId=${c.id}`,
      { connectionId: c.id, state: c.state, clientAction: c.clientAction },
    );
  }
  if (c.state !== 'READY') {
    throw new MembraneError(
      'connection',
      'connection_not_ready',
      `Connection ${c.id} is not ready (state ${c.state})${c.error ? `: ${c.error.message}` : ''}`,
      { connectionId: c.id, state: c.state, ...(c.error ? { error: c.error } : {}) },
    );
  }
}

export function requireAuth(env: Env): void {
  if (env.faults.has('not-logged-in')) {
    throw new MembraneError('bad_request', 'not_authenticated', 'Not authenticated. Run membrane login --tenant to log in.');
  }
}
