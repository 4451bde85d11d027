/** Message store (SMS, voicemail, fax) and sending SMS. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { defineTool, type JsonObject, type ToolContext } from './contract.js';
import { extensionId, isoDate, numericId, oneOf, phone } from './fields.js';
import { asArray, compactObject, party, truncate } from './format.js';
import { dateWindow, extensionPath, query } from './rest.js';
import { smsRecipients } from './people.js';

const compactMessage = (r: JsonObject) =>
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
const messagePath = (i: { extensionId?: string; messageId: string }) =>
  `${extensionPath(i.extensionId)}/message-store/${encodeURIComponent(i.messageId)}`;

/**
 * The user's numbers that may send SMS (RingCentral `features: SmsSender`), looked up once.
 * No Membrane action lists phone numbers, so this is always RingCentral's REST API.
 */
function smsSenders(ctx: ToolContext): Promise<string[]> {
  return ctx.cache.get('sms-senders', async (signal) => {
    const numbers = await ctx.withSignal(signal).restList('Light', {
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/phone-number',
      query: [['perPage', '1000']],
    });
    return numbers
      .filter((r) => Array.isArray(r.features) && r.features.includes('SmsSender') && typeof r.phoneNumber === 'string')
      .map((r) => String(r.phoneNumber));
  });
}

/**
 * The sender of an SMS: `from` when it is one of the person's SMS numbers, else their first one.
 * Checked before any preview or token, so a number that cannot send SMS is refused up front.
 */
export async function smsSender(ctx: ToolContext, from?: string): Promise<string> {
  const senders = await smsSenders(ctx);
  if (!senders.length) {
    throw new ToolError('not_found', 'none of your phone numbers can send SMS (no number has the SmsSender feature)', {
      fix: 'ask your RingCentral admin to enable SMS on one of your numbers',
    });
  }
  if (from === undefined) return senders[0];
  if (!senders.includes(from)) {
    throw new ToolError(
      'invalid_input',
      `from: ${from} cannot send SMS (it is not one of your numbers with the SmsSender feature); nothing was sent`,
      {
        fix: `use one of your SMS numbers (${senders.join(', ')}) as from, or leave from out for ${senders[0]}`,
      },
    );
  }
  return from;
}

/** A name or number on one line, not starting with a space or "-". */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const RECIPIENT = /^[^\s\u0000-\u001f-][^\u0000-\u001f]*$/;

const smsInput = {
  to: z
    .array(z.string().max(100).regex(RECIPIENT, 'must be a phone number or a name'))
    .min(1)
    .max(10)
    .refine((to) => new Set(to).size === to.length, 'lists a number more than once; give each recipient once')
    .describe('Numbers (any format) or names; several = one group SMS'),
  text: z.string().min(1).max(1000),
  from: phone.describe('Default: your first SMS number').optional(),
  idempotencyKey: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, 'must be 1-128 letters, digits, _ . : -')
    .optional(),
};

/** RingCentral's CreateSMSMessage body: the same on both routes, every recipient a number. */
async function smsPayload(i: { to: string[]; text: string; from?: string }, ctx: ToolContext) {
  const [from, to] = await Promise.all([smsSender(ctx, i.from), smsRecipients(i.to, ctx)]);
  return { from: { phoneNumber: from }, to: to.map((r) => ({ phoneNumber: r.number })), text: i.text };
}

/** An attachment's content URI as the relative path Membrane may be given (a full URL it would use as-is). */
function contentPath(uri: unknown): string | undefined {
  if (!URL.canParse(String(uri))) return undefined;
  const path = new URL(String(uri)).pathname;
  return /^\/restapi\/v1\.0\/account\/[^/]+\/extension\/[^/]+\/message-store\/\d+\/content\/\d+$/.test(path) ? path : undefined;
}

/**
 * A voicemail's transcription: the AudioTranscription attachment (text/plain), fetched from its
 * content URI; `{}` for any other message or a voicemail without one.
 */
async function transcriptionOf(record: JsonObject, ctx: ToolContext): Promise<{ transcription?: string; transcriptionError?: string }> {
  const attachments = (Array.isArray(record.attachments) ? record.attachments : []) as JsonObject[];
  const transcript = attachments.find((a) => a.type === 'AudioTranscription' && String(a.contentType).startsWith('text/plain'));
  const path = record.type === 'VoiceMail' ? contentPath(transcript?.uri) : undefined;
  if (!path) return {};
  try {
    // RingCentral's readMessageContent counts in the Medium group.
    return { transcription: (await ctx.restText('Medium', { method: 'GET', path })).trim() };
  } catch (error) {
    // The message itself was read; a transcription RingCentral cannot serve is said, not fatal.
    if (!(error instanceof ToolError)) throw error;
    return { transcriptionError: `${error.code}: ${error.message}` };
  }
}

/**
 * What an assistant reads a message for, first: an SMS's text, a voicemail's transcription, a
 * fax's page count.
 */
async function withContent(record: JsonObject, ctx: ToolContext): Promise<JsonObject> {
  const transcription = await transcriptionOf(record, ctx);
  const first = compactObject({
    text: record.type === 'SMS' || record.type === 'Pager' ? record.subject : undefined,
    ...transcription,
    pageCount: record.type === 'Fax' ? record.faxPageCount : undefined,
  });
  return { ...first, ...record };
}

export const getMessage = defineTool({
  name: 'ringcentral_get_message',
  title: 'Get message',
  description: 'One message: SMS text, voicemail transcription, fax pages.',
  toolset: 'messaging',
  kind: 'read',
  input: { messageId, extensionId },
  complete: withContent,
  exec: {
    via: 'either',
    action: {
      key: 'get-message',
      sends: ['extensionId', 'messageId'],
      input: (i) => compactObject({ extensionId: i.extensionId, messageId: i.messageId }),
      defaults: { extensionId: '~' },
    },
    rest: { group: 'Light', call: (i) => ({ method: 'GET', path: messagePath(i) }) },
  },
});

type OneOrMany = string | string[] | undefined;
interface MessageFilterInput {
  messageType?: OneOrMany;
  direction?: OneOrMany;
  readStatus?: OneOrMany;
  dateFrom?: string;
  dateTo?: string;
  phoneNumber?: string;
  conversationId?: string;
  deleted?: boolean;
}

/** list_messages' filters, the same on both routes: lists as lists, date-only dates made whole. */
async function messageFilters(i: MessageFilterInput, ctx: ToolContext) {
  const { dateFrom, dateTo } = await dateWindow(i, ctx);
  const { messageType, direction, readStatus, phoneNumber, conversationId, deleted } = i;
  return {
    messageType: asArray(messageType),
    direction: asArray(direction),
    readStatus: asArray(readStatus),
    availability: deleted ? ['Deleted'] : undefined,
    dateFrom,
    dateTo,
    phoneNumber,
    conversationId,
  };
}

/** RingCentral's message record (GetMessageInfoResponse), for `fields`; `transcription` is fetched on request. */
const MESSAGE_FIELDS = [
  'id',
  'uri',
  'extensionId',
  'type',
  'direction',
  'creationTime',
  'lastModifiedTime',
  'readStatus',
  'availability',
  'priority',
  'subject',
  'messageStatus',
  'from',
  'to',
  'attachments',
  'conversationId',
  'conversation',
  'smsDeliveryTime',
  'smsSendingAttemptsCount',
  'deliveryErrorCode',
  'segmentCount',
  'faxPageCount',
  'faxResolution',
  'coverIndex',
  'coverPageText',
  'vmTranscriptionStatus',
  'pgToDepartment',
  'owner',
  'transcription',
] as const;

/** Voicemail transcriptions fetched in one list call: each is one more CLI run. */
const TRANSCRIPTIONS_PER_CALL = 10;

const wantsTranscription = (i: JsonObject) => Array.isArray(i.fields) && i.fields.includes('transcription');

/** Each voicemail's transcription on the page (a failure named in its place), when `fields` asks for it. */
async function withTranscriptions(records: JsonObject[], ctx: ToolContext, input: JsonObject = {}): Promise<JsonObject[]> {
  if (!wantsTranscription(input)) return records;
  // A page continued from a call without transcriptions can be larger than the bound: the rest are said, not fetched.
  const voicemails = records.filter((r) => r.type === 'VoiceMail').slice(0, TRANSCRIPTIONS_PER_CALL);
  return Promise.all(
    records.map(async (r) => {
      if (r.type !== 'VoiceMail') return r;
      if (!voicemails.includes(r)) return { ...r, transcription: `[not fetched: at most ${TRANSCRIPTIONS_PER_CALL} per call]` };
      const { transcription, transcriptionError } = await transcriptionOf(r, ctx);
      const text = transcription ?? (transcriptionError ? `[not available: ${transcriptionError}]` : undefined);
      return text === undefined ? r : { ...r, transcription: text };
    }),
  );
}

export const messageTools = [
  defineTool({
    name: 'ringcentral_list_messages',
    title: 'List messages',
    description: 'SMS, voicemail, fax, newest first; LAST 24 HOURS unless dateFrom.',
    toolset: 'messaging',
    kind: 'read',
    list: {
      paging: 'page',
      compact: compactMessage,
      window: (i, ctx) => dateWindow(i, ctx),
      fields: MESSAGE_FIELDS,
      enrich: withTranscriptions,
      pageBound: (i) =>
        wantsTranscription(i) ? { max: TRANSCRIPTIONS_PER_CALL, why: 'each transcription is fetched on its own' } : undefined,
    },
    input: {
      messageType: oneOf(['SMS', 'VoiceMail', 'Fax', 'Pager'] as const),
      direction: oneOf(['Inbound', 'Outbound'] as const),
      readStatus: oneOf(['Read', 'Unread'] as const),
      dateFrom: isoDate(),
      dateTo: isoDate(),
      phoneNumber: phone.optional(),
      conversationId: numericId('messages').optional(),
      deleted: z.boolean().optional(),
      extensionId,
    },
    exec: {
      via: 'either',
      action: {
        key: 'list-messages',
        sends: [
          'extensionId',
          'messageType',
          'direction',
          'readStatus',
          'availability',
          'dateFrom',
          'dateTo',
          'phoneNumber',
          'conversationId',
        ],
        input: async (i, ctx) => compactObject({ extensionId: i.extensionId, ...(await messageFilters(i, ctx)) }),
        defaults: { extensionId: '~' },
      },
      rest: {
        group: 'Light',
        call: async (i, ctx) => ({
          method: 'GET',
          path: `${extensionPath(i.extensionId)}/message-store`,
          query: query(await messageFilters(i, ctx)),
        }),
      },
    },
  }),
  getMessage,
  defineTool({
    name: 'ringcentral_send_sms',
    title: 'Send SMS',
    description: 'Send a real SMS (irreversible). Same key in 10 min: sent once.',
    toolset: 'messaging',
    kind: 'destructive',
    input: smsInput,
    exec: {
      via: 'either',
      action: { key: 'send-sms', sends: ['from.phoneNumber', 'to[].phoneNumber', 'text'], input: (i, ctx) => smsPayload(i, ctx) },
      rest: {
        group: 'Medium',
        call: async (i, ctx) => ({ method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms', body: await smsPayload(i, ctx) }),
      },
    },
    preview: async (i, ctx) => {
      const [from, to] = await Promise.all([smsSender(ctx, i.from), smsRecipients(i.to, ctx)]);
      return { action: 'send SMS', from, to: to.map((r) => r.shown), text: i.text, characters: i.text.length };
    },
    idempotencyKey: async (i, ctx) => {
      if (i.idempotencyKey) return `key:${i.idempotencyKey}`;
      const [from, to] = await Promise.all([smsSender(ctx, i.from), smsRecipients(i.to, ctx)]);
      return createHash('sha256')
        .update(JSON.stringify([from, to.map((r) => r.number).sort(), i.text]))
        .digest('hex');
    },
  }),
  defineTool({
    name: 'ringcentral_delete_message',
    title: 'Delete message',
    description: 'Delete a message (restorable); purge: true for good.',
    toolset: 'messaging',
    kind: 'destructive',
    input: { messageId, purge: z.boolean().optional(), extensionId },
    exec: {
      via: 'either',
      action: {
        key: 'delete-message',
        sends: ['messageId', 'purge', 'extensionId'],
        input: (i) => compactObject({ messageId: i.messageId, purge: i.purge, extensionId: i.extensionId }),
        defaults: { extensionId: '~' },
      },
      rest: { group: 'Medium', call: (i) => ({ method: 'DELETE', path: messagePath(i), query: query({ purge: i.purge }) }) },
    },
    preview: async (i, ctx) => {
      const message = await ctx.read(getMessage, { extensionId: i.extensionId, messageId: i.messageId });
      return { action: i.purge ? 'purge message (permanent)' : 'delete message (moves to Deleted)', message: compactMessage(message) };
    },
  }),
  defineTool({
    name: 'ringcentral_update_message',
    title: 'Update message',
    description: 'Mark a message read or unread, or restore a deleted one.',
    toolset: 'messaging',
    kind: 'write',
    input: { messageId, read: z.boolean().optional(), restore: z.boolean().optional() },
    validate: (i) => (i.read === undefined && i.restore !== true ? 'give read (true or false), or restore: true, or both' : undefined),
    notFound: (i) => ({
      message: `messageId ${i.messageId}: no such message (purged, or not in your mailbox)`,
      fix: 'take the id from ringcentral_list_messages (deleted ones: deleted: true); a purged message cannot be restored',
    }),
    exec: {
      via: 'rest',
      why: 'no Membrane action updates a message',
      // RingCentral's patchMessage: readStatus, and availability Alive to restore; nothing else is sent.
      rest: {
        group: 'Medium',
        call: (i) => ({
          method: 'PATCH',
          path: messagePath(i),
          body: compactObject({
            readStatus: i.read === undefined ? undefined : i.read ? 'Read' : 'Unread',
            availability: i.restore ? 'Alive' : undefined,
          }),
        }),
      },
    },
    preview: async (i) => compactObject({ action: 'update message', messageId: i.messageId, read: i.read, restore: i.restore }),
  }),
];
