/**
 * A Membrane connection and what its state means for a call: the one place a connection that
 * exists but cannot be used becomes an error with its fix, whether the state was seen in a
 * listing (`connection list` / `get`) or reported inside a Membrane error.
 */
import { ToolError, FIX } from '../errors.js';
import { isObject } from '../json.js';

export interface Connection {
  id: string;
  name?: string;
  key?: string;
  state?: string;
  disconnected?: boolean;
  error?: { message?: string };
  clientAction?: { type?: string; description?: string; uiUrl?: string };
  integration?: { id?: string; key?: string; name?: string };
}

/** A connection's state as a call saw it. */
export interface ConnectionSeen {
  id: string;
  /** "Main (c1)" for a listed connection; a reported one is named by its id. */
  label: string;
  state?: string;
  disconnected?: boolean;
  /** Why its setup failed, when Membrane says. */
  setupError?: string;
  /** The link where a person reconnects or fixes it. */
  url?: string;
  /** Membrane's message, when the state came inside an error (a listing has none). */
  reported?: string;
  upstreamCode?: string;
}

type StateKind = 'disconnected' | 'building' | 'setup' | 'other';

const SETUP_FAILED = new Set(['CONFIGURATION_ERROR', 'SETUP_FAILED']);

function kindOf(seen: ConnectionSeen): StateKind {
  if (seen.disconnected || seen.state === 'CLIENT_ACTION_REQUIRED') return 'disconnected';
  if (seen.state === 'BUILDING') return 'building';
  return seen.state && SETUP_FAILED.has(seen.state) ? 'setup' : 'other';
}

/** Reconnect this very connection (another one would not carry its history or id). */
const reconnectThis = (s: ConnectionSeen): string =>
  `${FIX.reconnect(s.id)}${s.url ? `, or open ${s.url}` : ''} (reconnect this one; do not create another)`;

interface Wording {
  what: (s: ConnectionSeen) => string;
  fix: (s: ConnectionSeen) => string;
}

/** What a listing says of a connection, by its state. */
const LISTED: Record<StateKind, Wording> = {
  disconnected: { what: () => 'is disconnected', fix: reconnectThis },
  building: { what: () => 'is still being set up', fix: (s) => FIX.wait(s.id) },
  setup: {
    what: (s) => `failed to set up: ${s.setupError ?? s.state}`,
    fix: (s) => `a person must fix it in Membrane, then check with membrane connection get ${s.id} --json`,
  },
  other: { what: (s) => `is not ready (state ${s.state ?? 'unknown'})`, fix: (s) => FIX.reconnect(s.id) },
};

/** What an error reporting the state says, with Membrane's own message after the state. */
const REPORTED: Record<StateKind, Wording> = {
  disconnected: { what: (s) => `needs to be reconnected (state ${s.state}): ${s.reported}`, fix: reconnectThis },
  building: { what: (s) => `is still being set up (state BUILDING): ${s.reported}`, fix: (s) => `${FIX.wait(s.id)}, then call again` },
  setup: {
    what: (s) => `failed to set up (state ${s.state}): ${s.setupError ?? s.reported}`,
    fix: (s) =>
      `a person must fix the connection in Membrane${s.url ? ` (${s.url})` : ''}, then check with membrane connection get ${s.id} --json`,
  },
  other: { what: (s) => `needs to be reconnected (state ${s.state}): ${s.reported}`, fix: reconnectThis },
};

/** The error (with its fix) for a connection that exists but cannot be used. */
export function connectionStateError(seen: ConnectionSeen): ToolError {
  const wording = (seen.reported === undefined ? LISTED : REPORTED)[kindOf(seen)];
  return new ToolError('connection_not_ready', `the RingCentral connection ${seen.label} ${wording.what(seen)}`, {
    fix: wording.fix(seen),
    upstreamCode: seen.upstreamCode,
  });
}

/** A listed connection as the state error reads it. */
export const listedConnection = (c: Connection): ConnectionSeen => ({
  id: c.id,
  label: `${c.name ?? 'RingCentral'} (${c.id})`,
  state: c.state,
  disconnected: c.disconnected,
  setupError: c.error?.message,
  url: c.clientAction?.uiUrl,
  upstreamCode: c.state,
});

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The connection a Membrane error is about, when its `data` carries a state other than READY (with
 * `clientAction` and `error`); undefined when the error says nothing of a connection's state.
 */
export function reportedConnection(
  data: unknown,
  error: { key: string; message: string; connectionId: string },
): ConnectionSeen | undefined {
  if (!isObject(data) || typeof data.state !== 'string' || !data.state || data.state === 'READY') return undefined;
  const id = text(data.connectionId) ?? error.connectionId;
  const action = isObject(data.clientAction) ? data.clientAction : {};
  const setupError = isObject(data.error) ? text(data.error.message) : undefined;
  return {
    id,
    label: id,
    state: data.state,
    setupError,
    url: text(action.uiUrl),
    reported: error.message,
    upstreamCode: error.key || data.state,
  };
}

const isRingCentral = (c: Connection): boolean =>
  [c.integration?.key, c.integration?.name, c.name, c.key].some((v) => typeof v === 'string' && /ringcentral/i.test(v));

const isReady = (c: Connection): boolean => c.state === 'READY' && c.disconnected !== true;

/** Chooses the one ready RingCentral connection, or explains why it cannot. */
export function chooseConnection(connections: Connection[]): Connection {
  const ringcentral = connections.filter(isRingCentral);
  if (ringcentral.length === 0) {
    return fail(new ToolError('no_connection', 'there is no RingCentral connection in Membrane', { fix: FIX.connect }));
  }
  const ready = ringcentral.filter(isReady);
  if (ready.length === 1) return ready[0];
  if (ready.length >= 2) {
    const candidates = ready.map(candidate);
    const list = candidates.map((c) => `${c.id} (${c.name ?? 'unnamed'})`).join(', ');
    return fail(
      new ToolError('several_connections', `${ready.length} RingCentral connections are ready: ${list}`, { fix: FIX.pin, candidates }),
    );
  }
  if (ringcentral.length === 1) return fail(connectionStateError(listedConnection(ringcentral[0])));
  const candidates = ringcentral.map(candidate);
  return fail(
    new ToolError(
      'connection_not_ready',
      `no RingCentral connection is ready: ${candidates.map((c) => `${c.id} (${c.state ?? 'state unknown'})`).join(', ')}`,
      { fix: FIX.pin, candidates },
    ),
  );
}

const candidate = (c: Connection) => ({ id: c.id, name: c.name, state: c.state });

function fail(error: ToolError): never {
  throw error;
}
