// Call log and active calls.
import type { ActiveCall, CallRecord } from '../model.js';
import type { CallLogRecordLegInfo } from '../rc.js';
import { invalid, notFound, ok, type Ctx, type Handler, type Query } from './http.js';
import { extPath, findExtension, isMe, iso, requiredId } from './ids.js';
import { pageA } from './paging.js';
import { date, digitsOnly, enums, one, oneOf } from './query.js';

const DAY = 86_400_000;

const view = (q: Query) => oneOf(q, 'view', ['Simple', 'Detailed'] as const, 'Simple');

/** Detailed view: legs derived from the record (RingCentral's call segments) plus lastModifiedTime. */
function detailed(r: CallRecord): CallRecord {
  const common: CallLogRecordLegInfo = {
    startTime: r.startTime,
    duration: r.duration,
    durationMs: r.durationMs,
    type: r.type,
    direction: r.direction,
    action: r.action,
    result: r.result,
    reason: r.reason,
    reasonDescription: r.reasonDescription,
    from: r.from,
    to: r.to,
    transport: r.transport,
    extension: r.extension,
  };
  const legs: CallLogRecordLegInfo[] = [];
  // A received fax arrives from the PSTN like a call; RingCentral has no fax-receiving leg type.
  if (r.type === 'Fax') legs.push({ ...common, legType: r.direction === 'Inbound' ? 'PstnToSip' : 'FaxSent', master: true });
  else if (r.direction === 'Inbound' && r.transport === 'PSTN') {
    legs.push({ ...common, legType: 'PstnToSip', master: true });
    legs.push({ ...common, legType: 'Accept', master: false });
  } else
    legs.push({ ...common, legType: r.direction === 'Outbound' && r.transport === 'PSTN' ? 'SipToPstnMetered' : 'Accept', master: true });
  const end = Date.parse(r.startTime) + (r.durationMs ?? r.duration * 1000);
  return { ...r, lastModifiedTime: iso(end + 5_000), legs };
}

function withView(r: CallRecord, v: string): CallRecord {
  return v === 'Detailed' ? detailed(r) : r;
}

export const callLog: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  const q = req.query;
  const v = view(q);
  const types = enums(q, 'type', ['Voice', 'Fax']);
  const dirs = enums(q, 'direction', ['Inbound', 'Outbound']);
  const transports = enums(q, 'transport', ['PSTN', 'VoIP']);
  const recType = oneOf(q, 'recordingType', ['Automatic', 'OnDemand', 'All'] as const);
  const to = date(q, 'dateTo') ?? ctx.now;
  const from = date(q, 'dateFrom') ?? to - DAY;
  const phone = one(q, 'phoneNumber');
  const extNum = one(q, 'extensionNumber');
  // RingCentral refuses the two together; its phone filter is E.164 without "+" (a "+" is tolerated here).
  if (phone !== undefined && extNum !== undefined)
    throw invalid('phoneNumber', phone, 'Parameter [phoneNumber] cannot be combined with [extensionNumber]');
  if (phone !== undefined && !/^\+?\d{3,15}$/.test(phone)) throw invalid('phoneNumber', phone);
  const session = one(q, 'sessionId');
  const tsession = one(q, 'telephonySessionId');
  const pd = phone ? digitsOnly(phone) : '';
  const all = (isMe(ctx, ext) ? ctx.state.calls : []).filter((r) => {
    const t = Date.parse(r.startTime);
    return (
      t >= from &&
      t <= to &&
      (!types.length || types.includes(r.type)) &&
      (!dirs.length || dirs.includes(r.direction)) &&
      (!transports.length || transports.includes(r.transport ?? '')) &&
      (!recType || (r.recording && (recType === 'All' || recType === r.recording.type))) &&
      (!pd || digitsOnly(r.from?.phoneNumber ?? '') === pd || digitsOnly(r.to?.phoneNumber ?? '') === pd) &&
      (extNum === undefined || r.from?.extensionNumber === extNum || r.to?.extensionNumber === extNum) &&
      (session === undefined || r.sessionId === session) &&
      (tsession === undefined || r.telephonySessionId === tsession)
    );
  });
  const body = pageA(req, `${extPath(ctx, ext.id)}/call-log`, all, { allowMax: true });
  body.records = (body.records as CallRecord[]).map((r) => withView(r, v));
  return ok(body);
};

export const callRecord: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  const id = requiredId(p.callRecordId, 'callRecordId');
  const r = isMe(ctx, ext) ? ctx.state.calls.find((c) => c.id === id) : undefined;
  if (!r) throw notFound('callRecordId', id);
  return ok(withView(r, view(req.query)));
};

/** Active calls are stored as offsets so they look live whenever they are read. */
function live(ctx: Ctx, a: ActiveCall): CallRecord {
  const start = ctx.now - a.offsetSec * 1000;
  return { ...a.rec, startTime: iso(start), duration: a.offsetSec, durationMs: a.offsetSec * 1000 };
}

export const activeCalls: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  const q = req.query;
  const v = view(q);
  const dirs = enums(q, 'direction', ['Inbound', 'Outbound']);
  const types = enums(q, 'type', ['Voice', 'Fax']);
  const transports = enums(q, 'transport', ['PSTN', 'VoIP']);
  enums(q, 'conferenceType', ['AudioConferencing', 'Meetings']);
  const all = (isMe(ctx, ext) ? ctx.state.active : [])
    .map((a) => live(ctx, a))
    .filter(
      (r) =>
        (!dirs.length || dirs.includes(r.direction)) &&
        (!types.length || types.includes(r.type)) &&
        (!transports.length || transports.includes(r.transport ?? '')),
    )
    .sort((a, b) => (a.startTime < b.startTime ? 1 : -1));
  const body = pageA(req, `${extPath(ctx, ext.id)}/active-calls`, all, { allowMax: true });
  body.records = (body.records as CallRecord[]).map((r) => withView(r, v));
  return ok(body);
};
