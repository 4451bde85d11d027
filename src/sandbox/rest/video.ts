// RingCentral Video bridges and meeting history.
import type { Rec } from '../model.js';
import { makeBridge } from '../seed/bridge.js';
import { invalid, noContent, notFound, ok, rcError, type Ctx, type Handler } from './http.js';
import { findExtension, isMe, pub, requiredId } from './ids.js';
import { pageC, type Sorted } from './paging.js';
import { enums, one } from './query.js';

const TYPES = ['Instant', 'Scheduled', 'PMI'];

function findBridge(ctx: Ctx, id: string | undefined): Rec {
  const v = requiredId(id, 'bridgeId');
  const b = ctx.state.bridges.find((x) => x.id === v);
  if (!b) throw notFound('bridgeId', v);
  return b;
}

const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

export const createBridge: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  if (!isMe(ctx, ext)) throw rcError(403, 'CMN-404', 'Attempt to access another extension', { param: 'extensionId' });
  // The whole body is optional.
  const b = (req.body ?? {}) as Rec;
  if (!isObj(b)) throw invalid('body', b);
  if (b.name !== undefined && typeof b.name !== 'string') throw invalid('name', b.name);
  if (b.type !== undefined && !TYPES.includes(b.type)) throw invalid('type', b.type);
  if (b.security !== undefined && !isObj(b.security)) throw invalid('security', b.security);
  if (b.preferences !== undefined && !isObj(b.preferences)) throw invalid('preferences', b.preferences);
  if (b.security?.password !== undefined && typeof b.security.password !== 'string')
    throw invalid('security.password', b.security.password);
  if (b.security?.passwordProtected === false && typeof b.security.password === 'string') {
    throw rcError(409, 'CMN-101', 'Conflicting settings: a password was given for a bridge that is not password protected', {
      param: 'security',
    });
  }
  if (b.type === 'PMI' && ctx.state.bridges.some((x) => x.type === 'PMI')) {
    throw rcError(409, 'CMN-101', 'Conflicting settings: the extension already has a PMI bridge', { param: 'type' });
  }
  const bridge = makeBridge(Math.random, ctx.state.accountId, ctx.state.extId, {
    name: b.name ?? `${ext.name}'s Meeting`,
    type: b.type,
    security: b.security,
    preferences: b.preferences,
  });
  ctx.state.bridges.push(bridge);
  ctx.dirty = true;
  return ok(bridge, 201);
};

export const getBridge: Handler = (ctx, _req, p) => ok(findBridge(ctx, p.bridgeId));

export const defaultBridge: Handler = (ctx, _req, p) => {
  findExtension(ctx, p);
  const b = ctx.state.bridges.find((x) => x.type === 'PMI');
  if (!b) throw notFound('bridgeId', 'default');
  return ok(b);
};

export const bridgeByPin: Handler = (ctx, _req, p) => {
  const b = ctx.state.bridges.find((x) => x.pins.web === p.pin);
  if (!b) throw notFound('pin', p.pin);
  return ok(b);
};

export const patchBridge: Handler = (ctx, req, p) => {
  const b = findBridge(ctx, p.bridgeId);
  const body = req.body as Rec;
  if (!isObj(body)) throw invalid('body', body);
  if (body.name !== undefined) {
    if (typeof body.name !== 'string') throw invalid('name', body.name);
    b.name = body.name;
  }
  if (isObj(body.security)) Object.assign(b.security, body.security);
  if (isObj(body.preferences)) Object.assign(b.preferences, body.preferences);
  ctx.dirty = true;
  return ok(b);
};

export const deleteBridge: Handler = (ctx, _req, p) => {
  const b = findBridge(ctx, p.bridgeId);
  if (b.type === 'PMI') throw rcError(409, 'CMN-101', 'Conflicting settings: the PMI bridge cannot be deleted', { param: 'bridgeId' });
  ctx.state.bridges.splice(ctx.state.bridges.indexOf(b), 1);
  ctx.dirty = true;
  return noContent();
};

/** Style C paging; startTime/endTime are epoch milliseconds here, not ISO strings. */
export const meetingHistory: Handler = (ctx, req) => {
  const q = req.query;
  const type = enums(q, 'type', ['All', 'My', 'Deleted', 'Shared'])[0] ?? 'All';
  const ms = (name: string) => {
    const v = one(q, name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw invalid(name, v);
    return Number(v);
  };
  const filters = { type, text: one(q, 'text') ?? '', startTime: ms('startTime'), endTime: ms('endTime') };
  const me = String(ctx.state.extId);
  return ok(
    pageC(req, 'history', filters, (f): Sorted => ({
      records: ctx.state.history
        .filter((h) => {
          const t = Date.parse(h.startTime);
          const kind =
            f.type === 'Deleted'
              ? h._deleted
              : !h._deleted && (f.type === 'All' || (f.type === 'My' ? h.hostInfo.extensionId === me : h.hostInfo.extensionId !== me));
          return (
            kind &&
            (!f.text || String(h.displayName).toLowerCase().includes(String(f.text).toLowerCase())) &&
            (f.startTime === undefined || t >= f.startTime) &&
            (f.endTime === undefined || t <= f.endTime)
          );
        })
        .map(pub),
      key: (r) => `${r.startTime}|${r.id}`,
      dir: -1,
    })),
  );
};
