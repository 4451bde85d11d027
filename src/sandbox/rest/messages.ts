// Message store and SMS.
import { MEDIA, PLATFORM } from '../hosts.js';
import type { Message, Rec } from '../model.js';
import type { SmsMessageInfo } from '../rc.js';
import { invalid, noContent, notFound, ok, rcError, type Ctx, type Handler, type Res } from './http.js';
import { extPath, findExtension, idList, isMe, iso, pub, requiredId, type Public } from './ids.js';
import { location } from '../seed/context.js';
import { pageA } from './paging.js';
import { bool, date, digitsOnly, E164, enums, many, one, oneOf } from './query.js';

const DAY = 86_400_000;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/** conversationId is an int64: a bare JSON number beyond 2^53, held as a bigint to be written exactly. */
type OnWire<T> = Omit<T, 'conversationId'> & { conversationId?: bigint };

/** A message as RingCentral sends it. */
function wire(m: Message): OnWire<Public<Message>> {
  const out = pub(m);
  return { ...out, conversationId: out.conversation?.id ? BigInt(out.conversation.id) : undefined };
}

/** The answer to a send: RingCentral's SMS definition, which has no extensionId or segmentCount (the stored record has both). */
function smsAnswer(m: Message): OnWire<SmsMessageInfo> {
  const w = wire(m);
  return {
    uri: w.uri,
    id: w.id,
    type: w.type,
    direction: w.direction,
    creationTime: w.creationTime,
    lastModifiedTime: w.lastModifiedTime,
    readStatus: w.readStatus,
    availability: w.availability,
    priority: w.priority,
    subject: w.subject,
    messageStatus: w.messageStatus,
    from: w.from,
    to: w.to,
    attachments: w.attachments,
    conversation: w.conversation,
    conversationId: w.conversationId,
    smsSendingAttemptsCount: w.smsSendingAttemptsCount,
  };
}

/** A read moves a sandbox-sent SMS one step: Queued -> Sent -> Delivered (persisted afterwards). */
function render(ctx: Ctx, m: Message): OnWire<Public<Message>> {
  const out = wire(m);
  if (m._sent && (m.messageStatus === 'Queued' || m.messageStatus === 'Sent')) {
    advance(out, ctx.now);
    ctx.advanced.push(m.id);
  }
  return out;
}

export function advance(m: Pick<Message, 'messageStatus' | 'lastModifiedTime' | 'to' | 'smsDeliveryTime'>, now: number): void {
  const next = m.messageStatus === 'Queued' ? 'Sent' : 'Delivered';
  m.messageStatus = next;
  m.lastModifiedTime = iso(now);
  m.to = m.to.map((t) => ({ ...t, messageStatus: next }));
  if (next === 'Delivered') m.smsDeliveryTime = iso(now);
}

function mine(ctx: Ctx, p: Record<string, string>): boolean {
  return isMe(ctx, findExtension(ctx, p));
}

export const listMessages: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  const q = req.query;
  // The filter's enum has no Text, although a message's type can be Text.
  const types = enums(q, 'messageType', ['Fax', 'SMS', 'VoiceMail', 'Pager']);
  const dirs = enums(q, 'direction', ['Inbound', 'Outbound']);
  const read = enums(q, 'readStatus', ['Read', 'Unread']);
  const avail = enums(q, 'availability', ['Alive', 'Deleted', 'Purged']);
  const to = date(q, 'dateTo') ?? ctx.now;
  const from = date(q, 'dateFrom') ?? to - DAY;
  const conv = one(q, 'conversationId');
  const phone = one(q, 'phoneNumber');
  const phoneDigits = phone ? digitsOnly(phone) : '';
  const distinct = bool(q, 'distinctConversations');
  const availSet = avail.length ? avail : ['Alive'];
  const out: Message[] = [];
  const seenConv = new Set<string>();
  const all = isMe(ctx, ext) ? ctx.state.messages : [];
  // Stored oldest first; RingCentral lists newest first.
  for (let i = all.length - 1; i >= 0; i--) {
    const m = all[i];
    const t = Date.parse(m.creationTime);
    if (t < from || t > to) continue;
    if (!availSet.includes(m.availability)) continue;
    if (types.length && !types.includes(m.type)) continue;
    if (dirs.length && !dirs.includes(m.direction)) continue;
    if (read.length && !read.includes(m.readStatus ?? '')) continue;
    if (conv && m.conversation?.id !== conv && String(m.conversationId) !== conv) continue;
    if (
      phoneDigits &&
      digitsOnly(m.from?.phoneNumber ?? '') !== phoneDigits &&
      !m.to.some((x) => digitsOnly(x.phoneNumber ?? '') === phoneDigits)
    )
      continue;
    const cid = m.conversation?.id;
    if (distinct && cid) {
      if (seenConv.has(cid)) continue;
      seenConv.add(cid);
    }
    out.push(m);
  }
  const body = pageA(req, `${extPath(ctx, ext.id)}/message-store`, out);
  body.records = (body.records as Message[]).map((m) => render(ctx, m));
  return ok(body);
};

function findMessage(ctx: Ctx, id: string): Message | undefined {
  const m = ctx.state.messages.find((x) => String(x.id) === id);
  return m && m.availability !== 'Purged' ? m : undefined;
}

/** Several ids -> 207 with one part per id, as RingCentral's bulk syntax. */
function multi(ids: string[], one: (id: string) => Res): Res {
  return ok(
    ids.map((id) => {
      const r = one(id);
      return { resourceId: id, status: r.status, ...(r.body !== undefined ? { body: r.body } : {}) };
    }),
    207,
  );
}

export const getMessage: Handler = (ctx, _req, p) => {
  const raw = requiredId(p.messageId, 'messageId');
  const ids = idList(raw, 'messageId');
  const own = mine(ctx, p);
  const get = (id: string): Res => {
    const m = own ? findMessage(ctx, id) : undefined;
    if (!m) return notFound('messageId', id).res;
    return ok(render(ctx, m));
  };
  if (ids.length > 1) return multi(ids, get);
  const r = get(ids[0]);
  if (r.status !== 200) throw notFound('messageId', ids[0]);
  return r;
};

/** First delete: availability Deleted (restorable); second delete or purge=true: Purged. */
export const deleteMessage: Handler = (ctx, req, p) => {
  // No id (`.../message-store/`, or a blank one) deletes the whole mailbox, as RingCentral warns.
  if (!(p.messageId ?? '').trim()) return deleteMailbox(ctx, req, p);
  const raw = requiredId(p.messageId, 'messageId');
  const ids = idList(raw, 'messageId');
  const purge = bool(req.query, 'purge');
  const own = mine(ctx, p);
  const del = (id: string): Res => {
    const m = own ? findMessage(ctx, id) : undefined;
    if (!m) return notFound('messageId', id).res;
    m.availability = purge || m.availability === 'Deleted' ? 'Purged' : 'Deleted';
    m.lastModifiedTime = iso(ctx.now);
    m._userModified = true;
    ctx.dirty = true;
    return noContent();
  };
  if (ids.length > 1) {
    const parts = ids.map(del);
    return parts.every((r) => r.status === 204) ? noContent() : multi(ids, (id) => parts[ids.indexOf(id)]);
  }
  const r = del(ids[0]);
  if (r.status !== 204) throw notFound('messageId', ids[0]);
  return r;
};

/**
 * `DELETE .../message-store` (deleteMessageByFilter), and a delete that names no message id: as
 * in RingCentral, every message that matches the filters (all of them when there are none) is
 * deleted, or purged with `purge=true`. This is the danger the server must never reach.
 */
export const deleteMailbox: Handler = (ctx, req, p) => {
  const q = req.query;
  const type = oneOf(q, 'type', ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text', 'All'] as const, 'All');
  const conversations = many(q, 'conversationId');
  const to = date(q, 'dateTo') ?? Infinity;
  const purge = bool(q, 'purge');
  if (!mine(ctx, p)) return noContent();
  for (const m of ctx.state.messages) {
    if (m.availability === 'Purged' || Date.parse(m.creationTime) > to) continue;
    if (type !== 'All' && m.type !== type) continue;
    if (conversations.length && !conversations.includes(m.conversation?.id ?? '')) continue;
    m.availability = purge || m.availability === 'Deleted' ? 'Purged' : 'Deleted';
    m.lastModifiedTime = iso(ctx.now);
    m._userModified = true;
    ctx.dirty = true;
  }
  return noContent();
};

export const sendSms: Handler = (ctx, req, p) => {
  const ext = findExtension(ctx, p);
  const b = req.body as Rec | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw invalid('body', undefined, 'Request body is required');
  const fromNum = b.from?.phoneNumber;
  if (typeof fromNum !== 'string' || !E164.test(fromNum)) throw invalid('from.phoneNumber', fromNum);
  if (!Array.isArray(b.to) || b.to.length === 0) throw invalid('to', b.to);
  if (b.to.length > 10) throw invalid('to', undefined, 'Parameter [to] value is invalid: at most 10 recipients are allowed');
  (b.to as Rec[]).forEach((t, i) => {
    if (!t || typeof t.phoneNumber !== 'string' || !E164.test(t.phoneNumber)) throw invalid(`to[${i}].phoneNumber`, t?.phoneNumber);
  });
  if (typeof b.text !== 'string' || b.text.length === 0) throw invalid('text', b.text);
  // String length is in UTF-16 code units, exactly RingCentral's measure.
  if (b.text.length > 1000)
    throw rcError(400, 'MSG-338', 'Message size limit exceeded: text is longer than 1000 characters', { param: 'text' });
  if (!isMe(ctx, ext)) throw rcError(403, 'CMN-404', 'Attempt to access another extension', { param: 'extensionId' });
  const num = ctx.state.phoneNumbers.find((n) => n.phoneNumber === fromNum);
  if (!num) throw rcError(403, 'MSG-304', "Phone number doesn't belong to extension", { param: 'from.phoneNumber', value: fromNum });
  if (!num.features.includes('SmsSender')) {
    throw rcError(403, 'MSG-242', 'Sending SMS is not available from the phone number', { param: 'from.phoneNumber', value: fromNum });
  }
  const s = ctx.state;
  const id = s.next.message;
  s.next.message += 1000;
  const to = (b.to as Rec[]).map((t) => t.phoneNumber as string);
  const prior =
    to.length === 1
      ? [...s.messages]
          .reverse()
          .find((m) => m.type === 'SMS' && m.conversation && [m.from?.phoneNumber, ...m.to.map((x) => x.phoneNumber)].includes(to[0]))
      : undefined;
  const convId = prior?.conversation?.id ?? '8' + digits(18); // 19 digits, < 2^63
  const t = iso(ctx.now);
  const me = s.extensions.find((e) => e.id === s.extId)!;
  const uri = `${PLATFORM}${extPath(ctx, s.extId)}/message-store/${id}`;
  const m: Message = {
    uri,
    id,
    extensionId: String(s.extId),
    type: 'SMS',
    direction: 'Outbound',
    creationTime: t,
    lastModifiedTime: t,
    readStatus: 'Read',
    availability: 'Alive',
    priority: 'Normal',
    subject: b.text,
    messageStatus: 'Queued',
    from: { phoneNumber: fromNum, name: me.name, location: location(fromNum) },
    to: to.map((phoneNumber) => ({ phoneNumber, messageStatus: 'Queued' })),
    attachments: [
      {
        id: id + 1,
        uri: `${MEDIA}${extPath(ctx, s.extId)}/message-store/${id}/content/${id + 1}`,
        type: 'Text',
        contentType: 'text/plain',
      },
    ],
    conversation: { id: convId, uri: `${PLATFORM}/restapi/v1.0/conversation/${convId}` },
    smsSendingAttemptsCount: 1,
    segmentCount: Math.max(1, Math.ceil(b.text.length / 160)),
    _sent: true,
  };
  s.messages.push(m);
  ctx.dirty = true;
  return ok(smsAnswer(m));
};

/** An attachment's content: the SMS text or the voicemail transcription, as text/plain. */
export const getContent: Handler = (ctx, _req, p) => {
  const id = requiredId(p.messageId, 'messageId');
  const m = mine(ctx, p) ? findMessage(ctx, id) : undefined;
  if (!m) throw notFound('messageId', id);
  const attId = requiredId(p.attachmentId, 'attachmentId');
  const att = m.attachments?.find((a) => String(a.id) === attId);
  if (!att) throw notFound('attachmentId', attId);
  const text = att.type === 'Text' ? m.subject : att.type === 'AudioTranscription' ? m._transcript : undefined;
  // Audio and fax documents are binary; the sandbox keeps no media.
  if (text === undefined)
    throw rcError(404, 'CMN-102', 'Media content is not available in the sandbox', { param: 'attachmentId', value: attId });
  return { status: 200, body: text, headers: { 'Content-Type': 'text/plain;charset=utf-8' } };
};

const MAX_BULK = 50;

/**
 * patchMessage: `readStatus` Read/Unread, and `availability: Alive` restoring a Deleted message
 * (RingCentral supports nothing else through it; a Purged message is gone). At least one of the
 * two is required. Several ids (at most 50) answer 207 with one part per id. Every check comes
 * before any change.
 */
export const patchMessage: Handler = (ctx, req, p) => {
  const raw = requiredId(p.messageId, 'messageId');
  const ids = idList(raw, 'messageId');
  if (ids.length > MAX_BULK) throw invalid('messageId', raw, `Parameter [messageId] value is invalid: at most ${MAX_BULK} ids are allowed`);
  const b: unknown = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw invalid('body', undefined, 'Request body is required');
  const { readStatus, availability } = b as Rec;
  if (readStatus === undefined && availability === undefined) {
    throw invalid('readStatus', undefined, 'Either readStatus or availability is required');
  }
  if (readStatus !== undefined && readStatus !== 'Read' && readStatus !== 'Unread') throw invalid('readStatus', readStatus);
  if (availability !== undefined && availability !== 'Alive') throw invalid('availability', availability);
  const own = mine(ctx, p);
  const patch = (id: string): Res => {
    const m = own ? findMessage(ctx, id) : undefined;
    if (!m) return notFound('messageId', id).res;
    if (readStatus !== undefined) m.readStatus = readStatus as Message['readStatus'];
    if (availability === 'Alive') m.availability = 'Alive';
    m.lastModifiedTime = iso(ctx.now);
    m._userModified = true;
    ctx.dirty = true;
    return ok(render(ctx, m));
  };
  if (ids.length > 1) return multi(ids, patch);
  const r = patch(ids[0]);
  if (r.status !== 200) throw notFound('messageId', ids[0]);
  return r;
};
