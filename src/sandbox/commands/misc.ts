// status, login, reset, search, connect and action-run-log.
import { unlinkSync } from 'node:fs';
import { flag } from '../args.js';
import {
  connectedMarker,
  connectionId,
  connections,
  CONNECTOR_ID,
  findConnection,
  markConnected,
  requireAuth,
  unconnected,
} from '../connections.js';
import { notFound, UsageError } from '../errors.js';
import { MEMBRANE_UI } from '../hosts.js';
import { success } from '../output.js';
import { findRun, runLogPath } from '../runlog.js';
import { resetState } from '../state.js';
import { USAGE } from '../usage.js';
import { asJson, listShape, pageList, positiveInt, type Command } from './common.js';

export const status: Command = (a, env) => {
  const loggedIn = !env.faults.has('not-logged-in');
  if (asJson(a)) {
    return success(
      {
        status: loggedIn ? 'Logged in' : 'Not logged in',
        loggedIn,
        sandbox: true,
        ...(loggedIn ? { user: { email: 'alex.morgan@example.com' }, workspace: { key: 'sandbox', name: 'Membrane Sandbox' } } : {}),
      },
      true,
    );
  }
  return {
    stdout: loggedIn
      ? 'Logged in as alex.morgan@example.com (workspace: sandbox)\nmembrane-sandbox: simulated RingCentral account, no network.\n'
      : 'Not logged in. Run membrane login --tenant\n',
    code: 0,
  };
};

export const login: Command = () => ({
  stdout:
    'membrane-sandbox: this is a sandbox; there is nothing to log in to. Every command uses a simulated RingCentral account (no network, no credentials).\n',
  code: 0,
});

export const reset: Command = async (a, env) => {
  const s = await resetState(env.statePath);
  for (const extra of [`${env.statePath}.ratelimit.json`, connectedMarker(env), runLogPath(env)]) {
    try {
      unlinkSync(extra);
    } catch {
      /* none */
    }
  }
  if (asJson(a)) return success({ reset: true, statePath: env.statePath, anchor: s.anchor }, true);
  return { stdout: `Sandbox state reset to the seed (anchor ${s.anchor}): ${env.statePath}\n`, code: 0 };
};

const CONNECTOR = {
  id: CONNECTOR_ID,
  key: 'ringcentral',
  name: 'RingCentral',
  elementType: 'connector',
  description: 'RingCentral: calls, SMS, fax, voicemail, team messaging and video meetings (sandbox)',
  logoUri: `${MEMBRANE_UI}/logos/ringcentral.png`,
};

const mentionsRingCentral = (s: string) => /ring\s*central|^ring|^rc$/i.test(s.trim());

export const search: Command = (a, env) => {
  const [, q] = a.positionals;
  if (a.positionals.length !== 2)
    throw new UsageError(a.positionals.length < 2 ? 'missing <query>' : `unexpected argument "${a.positionals[2]}"`, USAGE.search);
  requireAuth(env);
  const type = flag(a, 'elementType');
  const hits = (!type || type === 'connector') && mentionsRingCentral(q) ? [CONNECTOR] : [];
  const page = pageList(hits, positiveInt(a, 'limit', USAGE.search) ?? 10, flag(a, 'cursor'), USAGE.search);
  return success(listShape(env, page), asJson(a));
};

/** The sandbox needs no browser: the connection is ready at once (faults still apply while set). */
export const connect: Command = (a, env) => {
  const given = ['connectorId', 'connectorKey', 'connectionId'].filter((f) => flag(a, f) !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --connectorId, --connectorKey, --connectionId', USAGE.connect);
  if (a.positionals.length > 1) throw new UsageError(`unexpected argument "${a.positionals[1]}"`, USAGE.connect);
  requireAuth(env);
  const v = flag(a, given[0])!;
  if (given[0] === 'connectionId') {
    // A new tenant's pending connection (from `connection ensure`) is authorized here.
    if (unconnected(env) && v === connectionId(env)) markConnected(env);
    const c = findConnection(env, v);
    return {
      ...success({ ...c, state: 'READY', disconnected: false, clientAction: undefined, error: undefined }, asJson(a)),
      stderr: 'membrane-sandbox: no browser needed; the simulated connection is authorized.\n',
    };
  }
  if (v !== (given[0] === 'connectorId' ? CONNECTOR.id : CONNECTOR.key)) throw notFound(`Connector '${v}' not found`);
  if (unconnected(env)) markConnected(env);
  const c = connections(env)[0] ?? connections({ ...env, faults: new Set() })[0];
  return {
    ...success({ ...c, state: 'READY', disconnected: false }, asJson(a)),
    stderr: 'membrane-sandbox: no browser needed; the simulated connection is authorized.\n',
  };
};

/**
 * `action-run-log get <actionRunId> [--details]`: a run this sandbox recorded. Without --details
 * its outcome (id, status, action, connection, time, error); with it, also the input, the output
 * and the app's raw answer when the run failed on it.
 */
export const actionRunLog: Command = (a, env) => {
  const u = USAGE['action-run-log get'];
  if (a.positionals.length !== 3)
    throw new UsageError(a.positionals.length < 3 ? 'missing <actionRunId>' : `unexpected argument "${a.positionals[3]}"`, u);
  requireAuth(env);
  const id = a.positionals[2];
  const record = findRun(env, id);
  if (!record) throw notFound(`Action run '${id}' not found (the sandbox keeps the runs since its last reset)`);
  if (a.bools.has('details')) return { stdout: `${record}\n`, code: 0 };
  const { status: outcome, action, connectionId, createdAt, error } = JSON.parse(record) as Record<string, unknown>;
  return success({ id, status: outcome, action, connectionId, createdAt, ...(error ? { error } : {}) }, asJson(a));
};
