// connection list | get | ensure.
import { flag } from '../args.js';
import { connections, findConnection, pendingConnection, requireAuth, type Connection } from '../connections.js';
import { readEnv } from '../env.js';
import { notFound, UsageError } from '../errors.js';
import { success } from '../output.js';
import { sleepSync } from '../sleep.js';
import { USAGE } from '../usage.js';
import { asJson, listShape, pageList, positiveInt, type Command } from './common.js';

export const list: Command = (a, env) => {
  const u = USAGE['connection list'];
  if (a.positionals.length > 2) throw new UsageError(`unexpected argument "${a.positionals[2]}"`, u);
  requireAuth(env);
  const s = flag(a, 'search')?.toLowerCase();
  const all = connections(env).filter(
    (c) => !s || c.name.toLowerCase().includes(s) || c.key.includes(s) || c.integration.name.toLowerCase().includes(s),
  );
  return success(listShape(env, pageList(all, positiveInt(a, 'limit', u) ?? 100, flag(a, 'cursor'), u)), asJson(a));
};

export const get: Command = (a, env) => {
  const u = USAGE['connection get'];
  if (a.positionals.length !== 3)
    throw new UsageError(a.positionals.length < 3 ? 'missing <id-or-key>' : `unexpected argument "${a.positionals[3]}"`, u);
  const id = a.positionals[2];
  const t = flag(a, 'timeout');
  if (t !== undefined && !/^\d+(\.\d+)?$/.test(t)) throw new UsageError(`--timeout must be a number of seconds (got "${t}")`, u);
  requireAuth(env);
  let c: Connection = findConnection(env, id);
  if (a.bools.has('wait') && c.state === 'BUILDING') {
    // Long-poll while BUILDING; the fault file is re-read so a test can end the build meanwhile.
    const deadline = Date.now() + (t === undefined ? 30 : Number(t)) * 1000;
    while (c.state === 'BUILDING' && Date.now() < deadline) {
      sleepSync(Math.min(100, Math.max(0, deadline - Date.now())));
      c = findConnection({ ...readEnv(), tenant: env.tenant, tenantKey: env.tenantKey, statePath: env.statePath }, id);
    }
  }
  return success(c, asJson(a));
};

/** Returns the RingCentral connection; with none, one a person must authorize in the browser. */
export const ensure: Command = (a, env) => {
  const u = USAGE['connection ensure'];
  if (a.positionals.length !== 3)
    throw new UsageError(a.positionals.length < 3 ? 'missing <url-or-name>' : `unexpected argument "${a.positionals[3]}"`, u);
  requireAuth(env);
  const target = a.positionals[2];
  if (!/ring\s*central/i.test(target)) throw notFound(`No connector found for '${target}'`);
  const existing = connections(env)[0];
  return success(existing ?? pendingConnection(env), asJson(a));
};
