/** Message store (SMS, voicemail, fax) and sending SMS. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { request, runAction, type ToolContext } from '../src/context.js';
import { asArray, compactObject, defineTool, extensionId, isoDate, numericId, oneOf, party, phone, truncate, type Record_ } from './define.js';

const compactMessage = (r: Record_) =>
  compactObject({
    id: r.id,
    type: r.type,
    direction: r.direction,
    from: party(r.from),
    to: Array.isArray(r.to) ? r.to.map(party).filter(Boolean).join(', ') : undefined,
    subject: truncate(r.subject, 80),
    readStatus: r.readStatus,
    time: r.creationTime,
  });

const messageId = numericId('messages');

/** The user's first number that may send SMS, looked up once (RingCentral `features: SmsSender`). */
export async function defaultSmsSender(ctx: ToolContext): Promise<string> {
  return ctx.cache.get('sms-sender', async () => {
    const body = (await request(ctx, { method: 'GET', path: '/restapi/v1.0/account/~/extension/~/phone-number', query: [['perPage', '1000']] })) as Record_;
    const records = (Array.isArray(body?.records) ? body.records : []) as Record_[];
    const sender = records.find((r) => Array.isArray(r.features) && r.features.includes('SmsSender'));
    if (!sender || typeof sender.phoneNumber !== 'string') {
      throw new ToolError('not_found', 'none of your phone numbers can send SMS (no number has the SmsSender feature)', {
        fix: 'ask your RingCentral admin to enable SMS on one of your numbers, or pass `from` explicitly',
      });
    }
    return sender.phoneNumber;
  });
}

const smsInput = {
  to: z.array(phone).min(1).max(10).describe('E.164 (+16505550123); several = group SMS'),
  text: z.string().min(1).max(1000).describe('1-1000 characters'),
  from: phone.describe('Your SMS number; default: your first').optional(),
  idempotencyKey: z.string().regex(/^[\w.:-]{1,128}$/, 'must be 1-128 letters, digits, _ . : -').optional(),
};

async function smsPayload(i: { to: string[]; text: string; from?: string }, ctx: ToolContext) {
  return { from: { phoneNumber: i.from ?? (await defaultSmsSender(ctx)) }, to: i.to.map((phoneNumber) => ({ phoneNumber })), text: i.text };
}

export const messageTools = [
  defineTool({
    name: 'ringcentral_list_messages',
    title: 'List messages',
    description: 'SMS, voicemail and fax messages, newest first. Default: the LAST 24 HOURS; pass dateFrom for older.',
    toolset: 'messaging',
    kind: 'read',
    action: 'list-messages',
    list: { paging: 'page', compact: compactMessage },
    input: {
      messageType: oneOf(['SMS', 'VoiceMail', 'Fax', 'Pager'] as const),
      direction: oneOf(['Inbound', 'Outbound'] as const),
      readStatus: oneOf(['Read', 'Unread'] as const),
      dateFrom: isoDate('ISO 8601'),
      dateTo: isoDate('ISO 8601; default now'),
      phoneNumber: phone.describe('E.164').optional(),
      extensionId,
    },
    actionInput: (i) =>
      compactObject({
        extensionId: i.extensionId ?? '~',
        messageType: asArray(i.messageType),
        direction: asArray(i.direction),
        readStatus: asArray(i.readStatus),
        dateFrom: i.dateFrom,
        dateTo: i.dateTo,
        phoneNumber: i.phoneNumber,
      }),
  }),
  defineTool({
    name: 'ringcentral_get_message',
    title: 'Get message',
    description: 'One message by id: full text, attachments, delivery status (Queued, Sent, Delivered...).',
    toolset: 'messaging',
    kind: 'read',
    action: 'get-message',
    input: { messageId, extensionId },
    actionInput: (i) => ({ extensionId: i.extensionId ?? '~', messageId: i.messageId }),
  }),
  defineTool({
    name: 'ringcentral_send_sms',
    title: 'Send SMS',
    description: 'Send a real SMS. Irreversible: show the person from, to and text first. Same key within 10 min: sent once.',
    toolset: 'messaging',
    kind: 'destructive',
    action: 'send-sms',
    input: smsInput,
    actionInput: (i, ctx) => smsPayload(i, ctx),
    preview: async (i, ctx) => {
      const payload = await smsPayload(i, ctx);
      return { action: 'send SMS', from: payload.from.phoneNumber, to: i.to, text: i.text, characters: i.text.length };
    },
    idempotencyKey: async (i, ctx) => {
      if (i.idempotencyKey) return `key:${i.idempotencyKey}`;
      const from = i.from ?? (await defaultSmsSender(ctx));
      return createHash('sha256').update(JSON.stringify([from, [...i.to].sort(), i.text])).digest('hex');
    },
  }),
  defineTool({
    name: 'ringcentral_delete_message',
    title: 'Delete message',
    description: 'Delete a message by id: to Deleted (restorable), or for good with purge: true.',
    toolset: 'messaging',
    kind: 'destructive',
    action: 'delete-message',
    input: { messageId, purge: z.boolean().optional(), extensionId },
    actionInput: (i) => compactObject({ messageId: i.messageId, purge: i.purge, extensionId: i.extensionId }),
    preview: async (i, ctx) => {
      const message = (await runAction(ctx, 'get-message', { extensionId: i.extensionId ?? '~', messageId: i.messageId })) as Record_;
      return { action: i.purge ? 'purge message (permanent)' : 'delete message (moves to Deleted)', message: compactMessage(message ?? {}) };
    },
  }),
];
