// action list | run: the 20 RingCentral actions, run through the simulated REST API.
import { flag, type Args } from '../args.js';
import { actionId, ACTIONS, type Action } from '../actions/catalog.js';
import { rank } from '../actions/rank.js';
import { applyCursor, membraneList, usesCursor } from '../actions/records.js';
import { partialSchema } from '../actions/partial.js';
import { RENAMED } from '../actions/renamed.js';
import { asLists, scalarFilters } from '../actions/scalar.js';
import { strip, validate, type Schema } from '../actions/schema.js';
import { findConnection, requireAuth, requireReady } from '../connections.js';
import type { Env } from '../env.js';
import { MembraneError, notFound, UsageError } from '../errors.js';
import type { Rec } from '../model.js';
import { success } from '../output.js';
import { PLATFORM } from '../hosts.js';
import { logRequest } from '../log.js';
import type { Req } from '../rest/http.js';
import { callRest } from '../rest/index.js';
import { encodeQuery } from '../rest/url.js';
import { USAGE } from '../usage.js';
import { asJson, listShape, pageList, positiveInt, type Command } from './common.js';

const idOf = (env: Env, a: Action) => (env.variants.has('key-only') ? a.key : actionId(a.key));

const connectionRef = (a: Args) => flag(a, 'connectionId') ?? flag(a, 'connectionKey');

/** The action's input in its own names (renamed-inputs) and RingCentral's list types; some of it only under partial-schemas. */
function ownSchema(env: Env, a: Action): Schema {
  if (env.variants.has('renamed-inputs')) return RENAMED[a.key].inputSchema;
  return env.variants.has('partial-schemas') ? partialSchema(a.key, a.inputSchema) : a.inputSchema;
}

/** The action's live input schema: its own names, one value per filter under scalar-filters, plus `cursor` on cursor-paged lists. */
function inputSchema(env: Env, a: Action): Schema {
  const own = ownSchema(env, a);
  const base = env.variants.has('scalar-filters') ? scalarFilters(own) : own;
  if (!usesCursor(env.variants, a)) return base;
  return {
    ...base,
    properties: {
      ...base.properties,
      cursor: { type: 'string', description: "Cursor from the previous page's output (absent on the last page)" },
    },
  };
}

function describe(env: Env, a: Action): Rec {
  const d: Rec = { id: idOf(env, a), key: a.key, name: a.name, description: a.description, integrationKey: 'ringcentral' };
  if (env.variants.has('no-schemas')) return d;
  return { ...d, inputSchema: inputSchema(env, a), outputSchema: a.outputSchema };
}

export const list: Command = (a, env) => {
  const u = USAGE['action list'];
  if (a.positionals.length > 2) throw new UsageError(`unexpected argument "${a.positionals[2]}"`, u);
  const limit = positiveInt(a, 'limit', u) ?? 10;
  requireAuth(env);
  const ref = connectionRef(a);
  if (ref !== undefined) findConnection(env, ref);
  const intent = flag(a, 'intent');
  const actions = intent ? rank(ACTIONS, intent) : ACTIONS;
  return success(
    listShape(
      env,
      pageList(
        actions.map((x) => describe(env, x)),
        limit,
        flag(a, 'cursor'),
        u,
      ),
    ),
    asJson(a),
  );
};

/** The connector reaches RingCentral on its platform host, whatever base `membrane request` uses. */
function logAction(env: Env, req: Req, status: number): void {
  if (!env.requestLogPath) return;
  const query = encodeQuery(req.query);
  const path = req.path
    .split('/')
    .map((s) => decodeURIComponent(s))
    .join('/');
  const url = PLATFORM + req.path + (query ? '?' + query : '');
  logRequest(env, { via: 'action', method: req.method, url, host: new URL(PLATFORM).host, path, query, status });
}

const runId = () => 'arun_' + Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

export const run: Command = async (a, env) => {
  const u = USAGE['action run'];
  if (a.positionals.length !== 3)
    throw new UsageError(a.positionals.length < 3 ? 'missing <actionIdOrKey>' : `unexpected argument "${a.positionals[3]}"`, u);
  const raw = flag(a, 'input');
  let input: unknown = {};
  if (raw !== undefined) {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new UsageError(`--input is not valid JSON: ${raw.length > 80 ? raw.slice(0, 80) + '...' : raw}`, u);
    }
  }
  const connRef = connectionRef(a);
  if (connRef === undefined) throw new UsageError('missing --connectionId', u);
  requireAuth(env);
  const conn = findConnection(env, connRef);
  requireReady(conn);
  const ref = a.positionals[2];
  const act = ACTIONS.find((x) => x.key === ref || idOf(env, x) === ref);
  if (!act) throw notFound(`Action '${ref}' not found for connection ${conn.id}`);
  const id = runId();
  const schema = inputSchema(env, act);
  // As Membrane does: undeclared properties are dropped without a word, then the rest is validated.
  input = strip(schema, input);
  const problem = validate(schema, input);
  if (problem) {
    throw new MembraneError('bad_request', 'invalid_input', `Invalid input: ${problem.path} ${problem.message}`, { errors: [problem] }, id);
  }
  if (env.faults.has('huge')) {
    const { hugeAction } = require('../huge.js') as typeof import('../huge.js');
    return { chunks: () => hugeAction(id, env.variants.has('unwrapped-output')), code: 0 };
  }
  const given = env.variants.has('scalar-filters') ? asLists(ownSchema(env, act), input as Rec) : (input as Rec);
  const restShaped = env.variants.has('renamed-inputs')
    ? { ...RENAMED[act.key].toRest(given), ...(given.cursor !== undefined ? { cursor: given.cursor } : {}) }
    : given;
  const effective = usesCursor(env.variants, act) ? applyCursor(act, restShaped) : restShaped;
  const req = act.request(effective, env.variants);
  const res = await callRest(req, env);
  logAction(env, req, res.status);
  const body = res.body as Rec | undefined;
  if (res.status === 429) {
    const retry = res.headers['Retry-After'] ?? '60';
    throw new MembraneError(
      'connection',
      'rate_limit_exceeded',
      `RingCentral rate limit exceeded (${res.group ?? 'unknown'} group): retry after ${retry} s`,
      { response: { status: 429, headers: res.headers, data: body } },
      id,
    );
  }
  if (res.status >= 400) {
    const msg = body?.errors?.[0]?.message ?? body?.message ?? `HTTP ${res.status}`;
    throw new MembraneError(
      'dependency_error',
      'upstream_error',
      `RingCentral API error ${res.status}: ${msg}`,
      { response: { status: res.status, headers: res.headers, data: body } },
      id,
    );
  }
  let output: unknown = act.noOutput ? undefined : body;
  if (output !== undefined && usesCursor(env.variants, act)) output = membraneList(env.variants, act, output as Rec, effective);
  if (env.variants.has('unwrapped-output')) return output === undefined ? { stdout: '', code: 0 } : success(output, asJson(a));
  return success(output === undefined ? { actionRunId: id } : { output, actionRunId: id }, asJson(a));
};
