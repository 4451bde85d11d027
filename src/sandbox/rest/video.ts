// RingCentral Video bridges and meeting history.
import type { Bridge, Meeting, Rec } from '../model.js';
import type { BridgePreferences, BridgeRequestSecurity } from '../rc.js';
import { bridgeSecurity, joinLink, makeBridge } from '../seed/bridge.js';
import { invalid, noContent, notFound, ok, rcError, type Ctx, type Handler } from './http.js';
import { findExtension, isMe, pub, requiredId, type Public } from './ids.js';
import { pageC, type Sorted } from './paging.js';
import { one, oneOf } from './query.js';

const TYPES: Bridge['type'][] = ['Instant', 'Scheduled', 'PMI'];
/** Enumerated preferences and their values in RingCentral's definitions: others are refused, not stored. */
const PREFERENCE_ENUMS: Record<string, string[]> = {
  playTones: ['On', 'Off', 'ExitOnly', 'EnterOnly'],
  recordingsMode: ['Auto', 'ForceAuto', 'User'],
  transcriptionsMode: ['Auto', 'ForceAuto', 'User'],
};
const WAITING_ROOM = ['Nobody', 'Everybody', 'GuestsOnly', 'OtherAccount'];

function findBridge(ctx: Ctx, id: string | undefined): Bridge {
  const v = requiredId(id, 'bridgeId');
  const b = ctx.state.bridges.find((x) => x.id === v);
  if (!b) throw notFound('bridgeId', v);
  return b;
}

const isObj = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkPreferences(p: unknown): BridgePreferences {
  if (!isObj(p)) throw invalid('preferences', p);
  for (const [name, values] of Object.entries(PREFERENCE_ENUMS)) {
    if (p[name] !== undefined && !values.includes(p[name])) throw invalid(`preferences.${name}`, p[name]);
  }
  if (p.join !== undefined && !isObj(p.join)) throw invalid('preferences.join', p.join);
  if (p.join?.waitingRoomRequired !== undefined && !WAITING_ROOM.includes(p.join.waitingRoomRequired)) {
    throw invalid('preferences.join.waitingRoomRequired', p.join.waitingRoomRequired);
  }
  return p;
}

function checkSecurity(s: unknown): BridgeRequestSecurity {
  if (!isObj(s)) throw invalid('security', s);
  if (s.password !== undefined && typeof s.password !== 'string') throw invalid('security.password', s.password);
  for (const flag of ['passwordProtected', 'noGuests', 'sameAccount', 'e2ee']) {
    if (s[flag] !== undefined && typeof s[flag] !== 'boolean') throw invalid(`security.${flag}`, s[flag]);
  }
  if (s.passwordProtected === false && s.password !== undefined) {
    throw rcError(409, 'CMN-101', 'Conflicting settings: a password was given for a bridge that is not password protected', {
      param: 'security',
    });
  }
  return s;
}

export const createBridge: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  if (!isMe(ctx, ext)) throw rcError(403, 'CMN-404', 'Attempt to access another extension', { param: 'extensionId' });
  // The whole body is optional.
  const b: unknown = req.body ?? {};
  if (!isObj(b)) throw invalid('body', b);
  if (b.name !== undefined && typeof b.name !== 'string') throw invalid('name', b.name);
  if (b.type !== undefined && !TYPES.includes(b.type)) throw invalid('type', b.type);
  const security = b.security === undefined ? undefined : checkSecurity(b.security);
  const preferences = b.preferences === undefined ? undefined : checkPreferences(b.preferences);
  if (b.type === 'PMI' && ctx.state.bridges.some((x) => x.type === 'PMI')) {
    throw rcError(409, 'CMN-101', 'Conflicting settings: the extension already has a PMI bridge', { param: 'type' });
  }
  const bridge = makeBridge(Math.random, ctx.state.accountId, ctx.state.extId, {
    name: b.name ?? `${ext.name}'s Meeting`,
    type: b.type,
    security,
    preferences,
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
  const body: unknown = req.body;
  if (!isObj(body)) throw invalid('body', body);
  if (body.name !== undefined && typeof body.name !== 'string') throw invalid('name', body.name);
  const security = body.security === undefined ? undefined : checkSecurity(body.security);
  const preferences = body.preferences === undefined ? undefined : checkPreferences(body.preferences);
  if (body.name !== undefined) b.name = body.name;
  // A requested password is stored as RingCentral answers it: with its PSTN form and join hash.
  if (security) {
    b.security = bridgeSecurity(Math.random, security, b.security);
    b.discovery = { web: joinLink(b.pins.web, b.security) };
  }
  if (preferences) Object.assign(b.preferences, preferences);
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
  const type = oneOf(q, 'type', ['All', 'My', 'Deleted', 'Shared'] as const, 'All');
  const ms = (name: string) => {
    const v = one(q, name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw invalid(name, v);
    return Number(v);
  };
  // `materials` keeps meetings with a recording (or notes); RingCentral's spec says it cannot be used with `type`.
  const materials = oneOf(q, 'materials', ['Recordings', 'Notes'] as const);
  if (materials && one(q, 'type') !== undefined) throw invalid('materials', materials);
  const filters = { type, materials, text: one(q, 'text') ?? '', startTime: ms('startTime'), endTime: ms('endTime') };
  const me = String(ctx.state.extId);
  return ok(
    pageC(req, 'history', filters, (f): Sorted<Public<Meeting>> => ({
      records: ctx.state.history
        .filter((h) => {
          const t = Date.parse(h.startTime);
          const kind =
            f.type === 'Deleted'
              ? h._deleted
              : !h._deleted && (f.type === 'All' || (f.type === 'My' ? h.hostInfo.extensionId === me : h.hostInfo.extensionId !== me));
          const material =
            f.materials === 'Recordings' ? h.recordings.length > 0 : f.materials === 'Notes' ? (h.notes ?? []).length > 0 : true;
          return (
            kind &&
            material &&
            (!f.text || h.displayName.toLowerCase().includes(String(f.text).toLowerCase())) &&
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
