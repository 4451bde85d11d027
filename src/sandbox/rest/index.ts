// Entry point of the simulated REST API: routing, rate limits, the upstream-error fault, locking.
import type { Env } from '../env.js';
import type { State } from '../model.js';
import { mutate, readState } from '../state.js';
import { envelope, RcError, type Ctx, type Req, type Res } from './http.js';
import { count, headers, LIMITS, tooMany } from './ratelimit.js';
import { match, notFoundRoute, type Group } from './router.js';

export interface RestResult extends Res {
  group?: Group;
}

export async function callRest(req: Req, env: Env): Promise<RestResult> {
  const m = match(req.method, req.path);
  if (!m) return notFoundRoute();
  const { route } = m;
  const bigIds = env.variants.has('big-ids');
  const params = bigIds ? (require('./bigids.js') as typeof import('./bigids.js')).inbound(m.params) : m.params;
  const group = route.group;
  const now = env.now();
  if (env.faults.has('rate-limit')) return { ...tooMany(group), group };
  let remaining = LIMITS[group] - 1;
  if (env.rateLimits) {
    const c = count(env.statePath, group, now);
    if (c.limited) return { ...c.limited, group };
    remaining = c.remaining;
  }
  const hdrs = headers(group, remaining);
  if (env.faults.has('upstream-error')) {
    const msg = `[${route.perm}] permission required`;
    return {
      status: 403,
      headers: hdrs,
      group,
      body: envelope('CMN-408', msg, { top: 'InsufficientPermissions', extra: { permissionName: route.perm } }),
    };
  }
  const handler = (await route.load())[route.fn];
  const run = (state: State) => {
    const ctx: Ctx = { state, now, dirty: false, advanced: [] };
    try {
      return { res: handler(ctx, req, params), ctx };
    } catch (e) {
      if (e instanceof RcError) return { res: e.res, ctx };
      throw e;
    }
  };
  let out: { res: Res; ctx: Ctx };
  if (route.write) {
    out = await mutate(env.statePath, (s) => {
      const r = run(s);
      return { result: r, changed: r.ctx.dirty };
    });
  } else {
    out = run(await readState(env.statePath));
    const ids = out.ctx.advanced;
    if (ids.length) {
      const { advance } = require('./messages.js') as typeof import('./messages.js');
      await mutate(env.statePath, (s) => {
        for (const m of s.messages) {
          if (ids.includes(m.id) && m._sent && (m.messageStatus === 'Queued' || m.messageStatus === 'Sent')) advance(m, now);
        }
        return { result: null, changed: true };
      });
    }
  }
  const body =
    bigIds && out.res.body !== undefined ? (require('./bigids.js') as typeof import('./bigids.js')).outbound(out.res.body) : out.res.body;
  return { ...out.res, body, headers: { ...hdrs, ...out.res.headers }, group };
}
