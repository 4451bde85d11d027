// Message store (SMS, voicemail, fax), call log and active calls of the current user.
import { MEDIA } from '../hosts.js';
import type { ActiveCall, CallRecord, Contact, Extension, Message, PhoneNumber } from '../model.js';
import type { CallLogRecord, MessageAttachmentInfo } from '../rc.js';
import { ageMs, location, SeedCtx } from './context.js';
import { extUri } from './directory.js';
import { FIRST, SMS_IN, SMS_OUT, VOICEMAILS } from './names.js';

export interface Party {
  phoneNumber?: string;
  name?: string;
  location?: string;
  extensionNumber?: string;
  extensionId?: string;
}

type Result = 'Accepted' | 'Call connected' | 'Missed' | 'Voicemail' | 'No Answer' | 'Busy' | 'Rejected' | 'Received' | 'Sent';
/** RingCentral's reason (and its wording) for each call result the seed produces. */
const REASONS: Record<Result, [NonNullable<CallLogRecord['reason']>, string]> = {
  Accepted: ['Accepted', 'The call connected to and was accepted by this number.'],
  'Call connected': ['Connected', 'The call was connected.'],
  Missed: ['Not Answered', 'The call was not answered.'],
  Voicemail: ['Not Answered', 'The call was not answered and went to voicemail.'],
  'No Answer': ['No Answer', 'The called party did not answer.'],
  Busy: ['Line Busy', 'The called number was busy.'],
  Rejected: ['Calls Not Accepted', 'The callee did not accept the call.'],
  Received: ['Accepted', 'The fax was received.'],
  Sent: ['Accepted', 'The fax was sent.'],
};

interface Ev<T> {
  age: number;
  build: (id: number) => T;
}
type CallOpts = Partial<Pick<CallRecord, 'type' | 'transport' | 'message'>> & { recording?: boolean };

export function seedComms(ctx: SeedCtx, me: Extension, contacts: Contact[], exts: Extension[], numbers: PhoneNumber[]) {
  const { rng } = ctx;
  const myUri = extUri(ctx.accountId, ctx.extId);
  const meParty = (phoneNumber: string): Party => ({ phoneNumber, name: me.name, location: location(phoneNumber) });
  const smsNumbers = numbers.filter((n) => n.features.includes('SmsSender')).map((n) => n.phoneNumber);
  const faxNumber = numbers.find((n) => n.type === 'FaxOnly')!.phoneNumber;

  const external: Party[] = [];
  for (const c of contacts) {
    if (c.mobilePhone && external.length < 30)
      external.push({ phoneNumber: c.mobilePhone, name: `${c.firstName} ${c.lastName}`, location: location(c.mobilePhone) });
  }
  for (let i = 0; i < 10; i++) {
    const p = ctx.phone();
    external.push({ phoneNumber: p, location: location(p) });
  }
  const internal: Party[] = exts
    .filter((e) => e.type === 'User' && e.id !== ctx.extId && e.status === 'Enabled')
    .map((e) => ({ phoneNumber: e.contact.businessPhone, extensionNumber: e.extensionNumber, extensionId: String(e.id), name: e.name }));

  // One SMS conversation per external party, each tied to one of the user's two SMS numbers.
  const threads = external.map((p) => ({ party: p, mine: rng.pick(smsNumbers), convId: '8' + rng.digits(18) }));

  const msgEvents: Ev<Message>[] = [];
  const callEvents: Ev<CallRecord>[] = [];
  const msgUri = (id: number) => `${myUri}/message-store/${id}`;
  const base = (id: number, type: Message['type'], direction: Message['direction'], age: number) => {
    const t = ctx.ago(age);
    return {
      uri: msgUri(id),
      id,
      extensionId: String(ctx.extId),
      type,
      direction,
      creationTime: t,
      lastModifiedTime: t,
      availability: 'Alive',
      priority: 'Normal',
    } as const;
  };
  /** An attachment of message `messageId`; its content is served at its URI. */
  const attach = (
    messageId: number,
    id: number,
    type: NonNullable<MessageAttachmentInfo['type']>,
    contentType: string,
    extra: MessageAttachmentInfo = {},
  ): MessageAttachmentInfo => ({
    id,
    uri: `${MEDIA}/restapi/v1.0/account/${ctx.accountId}/extension/${ctx.extId}/message-store/${messageId}/content/${id}`,
    type,
    contentType,
    ...extra,
  });

  for (let i = 0; i < 215; i++) {
    const th = rng.pick(threads);
    const age = ageMs(ctx, i, 18);
    const inbound = rng.chance(0.55);
    const recent = age < 2 * 86_400_000;
    const text = inbound ? rng.pick(SMS_IN) : rng.pick(SMS_OUT);
    const failed = !inbound && rng.chance(0.03);
    const read = inbound ? (rng.chance(recent ? 0.5 : 0.92) ? 'Read' : 'Unread') : 'Read';
    msgEvents.push({
      age,
      build: (id) => {
        const other = { ...th.party };
        const m: Message = {
          ...base(id, 'SMS', inbound ? 'Inbound' : 'Outbound', age),
          readStatus: read,
          subject: text,
          messageStatus: inbound ? 'Received' : failed ? 'DeliveryFailed' : 'Delivered',
          from: inbound ? other : meParty(th.mine),
          to: [inbound ? meParty(th.mine) : { ...other, messageStatus: failed ? 'DeliveryFailed' : 'Delivered' }],
          attachments: [attach(id, id + 1, 'Text', 'text/plain')],
          conversation: { id: th.convId, uri: `${myUri.replace(/\/extension\/\d+$/, '')}/conversation/${th.convId}` },
        };
        if (!inbound) {
          m.smsSendingAttemptsCount = 1;
          m.segmentCount = 1;
          if (failed) m.deliveryErrorCode = 'SMS-RC-413';
          else m.smsDeliveryTime = new Date(Date.parse(m.creationTime) + 2000).toISOString();
        }
        return m;
      },
    });
  }

  for (let i = 0; i < 70; i++) {
    const age = ageMs(ctx, i, 4);
    const caller = rng.chance(0.75) ? rng.pick(external) : rng.pick(internal);
    const secs = rng.int(6, 150);
    const read = rng.chance(age < 2 * 86_400_000 ? 0.3 : 0.85) ? 'Read' : 'Unread';
    let vmId = 0;
    // Callers the account does not know still say their name on the recording.
    const transcript = VOICEMAILS[i % VOICEMAILS.length].replace('{name}', caller.name?.split(' ')[0] ?? FIRST[(i * 7) % FIRST.length]);
    msgEvents.push({
      age,
      build: (id) => {
        vmId = id;
        return {
          ...base(id, 'VoiceMail', 'Inbound', age),
          readStatus: read,
          subject: `Voice Message from ${caller.name ?? caller.phoneNumber}`,
          messageStatus: 'Received',
          from: { ...caller },
          to: [meParty(smsNumbers[0])],
          attachments: [
            attach(id, id + 1, 'AudioRecording', 'audio/mpeg', { vmDuration: secs, fileName: 'voicemail.mp3', size: secs * 4000 }),
            attach(id, id + 2, 'AudioTranscription', 'text/plain', { size: Buffer.byteLength(transcript) }),
          ],
          vmTranscriptionStatus: 'Completed',
          _transcript: transcript,
        };
      },
    });
    callEvents.push({
      age: age + secs * 1000 + 20_000,
      build: () =>
        callRec('Inbound', 'Phone Call', 'Voicemail', caller, meParty(smsNumbers[0]), secs + 20, age + secs * 1000 + 20_000, {
          message: { id: String(vmId), type: 'VoiceMail', uri: msgUri(vmId) },
        }),
    });
  }

  for (let i = 0; i < 45; i++) {
    const age = ageMs(ctx, i, 2);
    const inbound = rng.chance(0.7);
    const party = rng.pick(external);
    const pages = rng.int(1, 8);
    let faxId = 0;
    msgEvents.push({
      age,
      build: (id) => {
        faxId = id;
        return {
          ...base(id, 'Fax', inbound ? 'Inbound' : 'Outbound', age),
          readStatus: inbound && rng.chance(0.2) ? 'Unread' : 'Read',
          messageStatus: inbound ? 'Received' : 'Sent',
          from: inbound ? { ...party } : meParty(faxNumber),
          to: [inbound ? meParty(faxNumber) : { ...party, messageStatus: 'Sent' }],
          faxPageCount: pages,
          faxResolution: rng.pick(['High', 'Low'] as const),
          coverIndex: inbound ? 0 : 1,
          attachments: [attach(id, id + 1, 'RenderedDocument', 'application/pdf', { fileName: 'fax.pdf', size: pages * 52_000 })],
        };
      },
    });
    callEvents.push({
      age,
      build: () =>
        callRec(
          inbound ? 'Inbound' : 'Outbound',
          inbound ? 'Incoming Fax' : 'Outgoing Fax',
          inbound ? 'Received' : 'Sent',
          inbound ? party : meParty(faxNumber),
          inbound ? meParty(faxNumber) : party,
          pages * 30,
          age,
          { type: 'Fax', message: { id: String(faxId), type: 'Fax', uri: msgUri(faxId) } },
        ),
    });
  }

  for (let i = 0; i < 315; i++) {
    const age = ageMs(ctx, i, 20);
    const roll = rng.next();
    const isInternal = rng.chance(0.2);
    const other = isInternal ? rng.pick(internal) : rng.pick(external);
    const mine = meParty(rng.pick(smsNumbers));
    if (isInternal) Object.assign(mine, { extensionNumber: '101', extensionId: String(ctx.extId) });
    const transport = isInternal ? 'VoIP' : 'PSTN';
    let ev: () => CallRecord;
    if (roll < 0.4)
      ev = () =>
        callRec('Inbound', isInternal ? 'VoIP Call' : 'Phone Call', 'Accepted', other, mine, rng.int(20, 1800), age, {
          transport,
          recording: rng.chance(0.15),
        });
    else if (roll < 0.6)
      ev = () => callRec('Inbound', isInternal ? 'VoIP Call' : 'Phone Call', 'Missed', other, mine, rng.int(0, 30), age, { transport });
    else if (roll < 0.9)
      ev = () =>
        callRec('Outbound', rng.pick(['VoIP Call', 'RingOut Web', 'Phone Call']), 'Call connected', mine, other, rng.int(15, 2400), age, {
          transport,
          recording: rng.chance(0.1),
        });
    else
      ev = () =>
        callRec('Outbound', 'VoIP Call', rng.pick(['No Answer', 'Busy', 'Rejected']), mine, other, rng.int(0, 40), age, { transport });
    callEvents.push({ age, build: ev });
  }

  function callRec(
    direction: CallRecord['direction'],
    action: CallRecord['action'],
    result: Result,
    from: Party,
    to: Party,
    duration: number,
    age: number,
    opt: CallOpts = {},
  ): CallRecord {
    const id = rng.alnum(15);
    const [reason, reasonDescription] = REASONS[result];
    const r: CallRecord = {
      uri: `${myUri}/call-log/${id}`,
      id,
      sessionId: rng.digits(12),
      telephonySessionId: 's-a' + rng.hex(31),
      partyId: 'p-a' + rng.hex(31) + '-1',
      startTime: ctx.ago(age),
      duration,
      durationMs: duration * 1000 + rng.int(0, 999),
      type: opt.type ?? 'Voice',
      internalType: opt.transport === 'VoIP' ? 'Usual' : 'Local',
      direction,
      action,
      result,
      reason,
      reasonDescription,
      from: { ...from },
      to: { ...to },
      extension: { uri: myUri, id: ctx.extId },
      transport: opt.transport ?? 'PSTN',
      billing: { costIncluded: 0, costPurchased: 0 },
    };
    if (opt.message) r.message = opt.message;
    if (opt.recording) {
      const rid = rng.digits(10);
      r.recording = {
        uri: `${myUri.replace(/\/extension\/\d+$/, '')}/recording/${rid}`,
        id: rid,
        type: rng.pick(['Automatic', 'OnDemand']),
        contentUri: `${MEDIA}/restapi/v1.0/account/${ctx.accountId}/recording/${rid}/content`,
      };
    }
    return r;
  }

  // Oldest first so ids grow with time, as RingCentral's do.
  msgEvents.sort((a, b) => b.age - a.age);
  let id = 21_347_000_004;
  const messages = msgEvents.map((e) => {
    id += rng.int(3, 60) * 1000;
    return e.build(id);
  });
  for (let k = 0; k < 3; k++) {
    const m = messages[rng.int(0, messages.length - 60)];
    m.availability = 'Deleted';
  }
  const calls = callEvents.map((e) => e.build(0)).sort((a, b) => (a.startTime < b.startTime ? 1 : -1));

  const active: ActiveCall[] = [
    activeCall('Inbound', 'Phone Call', external[0], meParty(smsNumbers[0]), 240, 'PSTN'),
    activeCall('Outbound', 'VoIP Call', meParty(smsNumbers[1]), external[5], 65, 'PSTN'),
    activeCall(
      'Inbound',
      'VoIP Call',
      internal[2],
      { ...meParty(smsNumbers[0]), extensionNumber: '101', extensionId: String(ctx.extId) },
      720,
      'VoIP',
    ),
  ];
  function activeCall(
    direction: CallRecord['direction'],
    action: CallRecord['action'],
    from: Party,
    to: Party,
    offsetSec: number,
    transport: CallRecord['transport'],
  ): ActiveCall {
    const rid = rng.alnum(15);
    return {
      offsetSec,
      rec: {
        uri: `${myUri}/call-log/${rid}`,
        id: rid,
        sessionId: rng.digits(12),
        telephonySessionId: 's-a' + rng.hex(31),
        partyId: 'p-a' + rng.hex(31) + '-1',
        type: 'Voice',
        internalType: 'Local',
        direction,
        action,
        result: 'In Progress',
        from: { ...from },
        to: { ...to },
        extension: { uri: myUri, id: ctx.extId },
        transport,
      },
    };
  }
  return { messages, calls, active, nextMessage: id + 1_000_000 };
}
