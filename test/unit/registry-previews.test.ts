/**
 * tools/*.ts, what a person is shown and what makes a send unique: compact views, previews of
 * every write, the SMS sender and idempotency key, and a message read with its content first.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../tools/contract.js';
import { Printed, scriptedContext, toolNamed, type Script } from './scripted-cli.js';
import { refusal } from './caught.js';
import { ToolError } from '../../src/errors.js';
import { smsSender } from '../../tools/messages.js';

const compactOf = (name: string, record: JsonObject) => {
  const list = toolNamed(name).list;
  if (!list) throw new Error(`${name} is not a list`);
  return list.compact(record);
};
const previewOf = (name: string, input: JsonObject, script: Script = {}) => {
  const preview = toolNamed(name).preview;
  if (!preview) throw new Error(`${name} has no preview`);
  return preview(input, scriptedContext(script).ctx);
};

const PHONE_NUMBERS = 'GET /restapi/v1.0/account/~/extension/~/phone-number';
const SENDERS: Script = {
  rest: {
    [PHONE_NUMBERS]: {
      records: [
        { phoneNumber: '+16505550100', features: ['CallerId'] },
        { phoneNumber: '+16505550101', features: ['SmsSender'] },
        { phoneNumber: '+16505550102', features: ['CallerId', 'SmsSender'] },
        { phoneNumber: 16505550103, features: ['SmsSender'] },
        { phoneNumber: '+16505550104', features: 'SmsSender' },
      ],
    },
  },
};

describe('compact views', () => {
  it('a message: parties as "number (name)", the subject cut at 80 characters, its time', () => {
    const record = {
      id: 1,
      type: 'SMS',
      direction: 'Inbound',
      from: { phoneNumber: '+16505550100', name: 'Ann' },
      to: [{ phoneNumber: '+16505550101' }, { extensionNumber: '101', name: 'Bob' }, { name: 'Cy' }, {}, null],
      subject: 's'.repeat(81),
      readStatus: 'Unread',
      creationTime: '2026-01-15T10:00:00Z',
      attachments: [{ id: 9 }],
    };
    expect(compactOf('ringcentral_list_messages', record)).toStrictEqual({
      id: 1,
      type: 'SMS',
      direction: 'Inbound',
      from: '+16505550100 (Ann)',
      to: '+16505550101, 101 (Bob), Cy',
      subject: `${'s'.repeat(79)}…`,
      readStatus: 'Unread',
      time: '2026-01-15T10:00:00Z',
    });
    expect(compactOf('ringcentral_list_messages', { id: 2, subject: 's'.repeat(80), to: 'x', from: 'x' })).toStrictEqual({
      id: 2,
      subject: 's'.repeat(80),
    });
    expect(compactOf('ringcentral_list_messages', { id: 3, subject: 7, to: [] })).toStrictEqual({ id: 3 });
  });

  it('a contact: one line, "Name (Company) phone email", with one phone (mobile first)', () => {
    const all = {
      id: 5,
      firstName: 'Ann',
      lastName: 'Lee',
      company: 'Acme',
      email: 'a@x.co',
      mobilePhone: '+1',
      businessPhone: '+2',
      homePhone: '+3',
      notes: 'n',
    };
    expect(compactOf('ringcentral_list_contacts', all)).toStrictEqual({ id: 5, card: 'Ann Lee (Acme) +1 a@x.co' });
    expect(compactOf('ringcentral_list_contacts', { id: 6, lastName: 'Lee', businessPhone: '+2', homePhone: '+3' })).toStrictEqual({
      id: 6,
      card: 'Lee +2',
    });
    // A company without a person's name is the name.
    expect(compactOf('ringcentral_list_contacts', { id: 8, company: 'Acme', email: 'a@x.co' })).toStrictEqual({
      id: 8,
      card: 'Acme a@x.co',
    });
    expect(compactOf('ringcentral_list_contacts', { id: 7, firstName: '', homePhone: '+3' })).toStrictEqual({ id: 7, card: '+3' });
    expect(compactOf('ringcentral_list_contacts', { id: 9 })).toStrictEqual({ id: 9 });
  });

  it('a past meeting: the bridge id the meeting tools take, name, start, duration, host, how many took part, recordings', () => {
    const meeting = {
      id: 'h1',
      shortId: '123',
      bridgeId: 'iad41-c01-ndbabc',
      startTime: '2026-01-15T10:00:00Z',
      displayName: 'Weekly sync',
      hostInfo: { accountId: '1', extensionId: '2', displayName: 'Ann Lee' },
      duration: 1800,
      type: 'Meeting',
      status: 'Done',
      rights: ['download'],
      participants: [{ id: 'a' }, { id: 'b' }],
      recordings: [
        { id: 'r1', url: 'https://v.example/rec/1', availabilityStatus: 'Alive' },
        { id: 'r2', availabilityStatus: 'Alive' },
      ],
    };
    expect(compactOf('ringcentral_list_meetings', meeting)).toStrictEqual({
      bridgeId: 'iad41-c01-ndbabc',
      name: 'Weekly sync',
      start: '2026-01-15T10:00:00Z',
      duration: 1800,
      host: 'Ann Lee',
      participants: 2,
      recordings: ['https://v.example/rec/1', 'r2'],
    });
    expect(compactOf('ringcentral_list_meetings', { ...meeting, status: 'InProgress', recordings: [], participants: [] })).toStrictEqual({
      bridgeId: 'iad41-c01-ndbabc',
      name: 'Weekly sync',
      start: '2026-01-15T10:00:00Z',
      duration: 1800,
      host: 'Ann Lee',
      participants: 0,
      status: 'InProgress',
    });
  });

  it('a call: time, direction, type, parties, duration and result', () => {
    const call = {
      id: 'c1',
      startTime: '2026-01-15T10:00:00Z',
      direction: 'Outbound',
      type: 'Voice',
      from: { phoneNumber: '+16505550100' },
      to: { phoneNumber: '+16505550101', name: 'Bob' },
      duration: 0,
      result: 'Accepted',
      legs: [1],
    };
    const compact = {
      id: 'c1',
      time: '2026-01-15T10:00:00Z',
      direction: 'Outbound',
      type: 'Voice',
      from: '+16505550100',
      to: '+16505550101 (Bob)',
      duration: 0,
      result: 'Accepted',
    };
    expect(compactOf('ringcentral_get_call_log', call)).toStrictEqual(compact);
    expect(compactOf('ringcentral_get_active_calls', call)).toStrictEqual(compact);
  });

  it('a chat: who it is with and how many members', () => {
    expect(
      compactOf('ringcentral_list_chats', {
        id: 'ch1',
        type: 'Group',
        name: 'G',
        with: ['Ann', 'Bob'],
        members: [{ id: '1' }, { id: '2' }, { id: '3' }],
        lastModifiedTime: 't',
        creationTime: 'c',
      }),
    ).toStrictEqual({ id: 'ch1', type: 'Group', name: 'G', with: 'Ann, Bob', members: 3, lastModified: 't' });
    expect(compactOf('ringcentral_list_chats', { id: 'ch2', with: 'Ann', members: 2 })).toStrictEqual({ id: 'ch2' });
  });

  it('an extension: number, name, type, status and email', () => {
    expect(
      compactOf('ringcentral_list_extensions', {
        id: 62,
        extensionNumber: '101',
        name: 'Ann',
        type: 'User',
        status: 'Enabled',
        contact: { email: 'a@x.co', firstName: 'Ann' },
        uri: 'u',
      }),
    ).toStrictEqual({ id: 62, extensionNumber: '101', name: 'Ann', type: 'User', status: 'Enabled', email: 'a@x.co' });
    expect(compactOf('ringcentral_list_extensions', { id: 63 })).toStrictEqual({ id: 63 });
  });
});

describe('SMS: sender and idempotency key', () => {
  const sms = toolNamed('ringcentral_send_sms');
  const keyOf = (input: JsonObject, script: Script = SENDERS) => sms.idempotencyKey!(input, scriptedContext(script).ctx);

  it('an explicit key is the key; otherwise the hash of sender, sorted recipients and text', async () => {
    expect(await keyOf({ to: ['+16505550123'], text: 'hi', idempotencyKey: 'order-7' })).toBe('key:order-7');
    const to = ['+16505550124', '+16505550123'];
    const expected = createHash('sha256')
      .update(JSON.stringify(['+16505550101', ['+16505550123', '+16505550124'], 'hi']))
      .digest('hex');
    expect(await keyOf({ to, text: 'hi' })).toBe(expected);
    expect(to).toEqual(['+16505550124', '+16505550123']);
    expect(await keyOf({ to: ['+16505550123', '+16505550124'], text: 'hi', from: '+16505550101' })).toBe(expected);
    expect(await keyOf({ to, text: 'hi', from: '+16505550102' })).not.toBe(expected);
  });

  it('the preview shows sender, recipients, text and its length', async () => {
    expect(await previewOf('ringcentral_send_sms', { to: ['+16505550123'], text: 'hello' }, SENDERS)).toStrictEqual({
      action: 'send SMS',
      from: '+16505550101',
      to: ['+16505550123'],
      text: 'hello',
      characters: 5,
    });
  });

  it('a from that cannot send SMS is refused, naming the numbers that can', async () => {
    const error = await refusal(keyOf({ to: ['+16505550123'], text: 'hi', from: '+16505550100' }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(
      'from: +16505550100 cannot send SMS (it is not one of your numbers with the SmsSender feature); nothing was sent',
    );
    expect(error.details).toStrictEqual({
      fix: 'use one of your SMS numbers (+16505550101, +16505550102) as from, or leave from out for +16505550101',
    });
  });

  it("a phone-number list that cannot be read is said as RingCentral's REST API's", async () => {
    const error = await refusal(keyOf({ to: ['+16505550123'], text: 'hi' }, { rest: { [PHONE_NUMBERS]: { total: 3 } } }));
    expect(error.code).toBe('unparseable_output');
    expect(error.message).toBe(
      "RingCentral's REST API returned no list of records (keys: total); nothing is shown rather than a wrong answer",
    );
  });

  it('no number that can send SMS: not_found with the fix', async () => {
    const error = await refusal(
      keyOf(
        { to: ['+16505550123'], text: 'hi' },
        { rest: { [PHONE_NUMBERS]: { records: [{ phoneNumber: '+16505550100', features: ['CallerId'] }] } } },
      ),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('none of your phone numbers can send SMS (no number has the SmsSender feature)');
    expect(error.details).toStrictEqual({ fix: 'ask your RingCentral admin to enable SMS on one of your numbers' });
  });

  it('the senders are cached under sms-senders', async () => {
    const { ctx } = scriptedContext(SENDERS);
    await sms.idempotencyKey!({ to: ['+16505550123'], text: 'a' }, ctx);
    expect(await ctx.cache.get('sms-senders', () => Promise.reject(new Error('not cached')))).toEqual(['+16505550101', '+16505550102']);
  });

  it("the senders are looked up once, with RingCentral's largest page", async () => {
    const { ctx, argvs } = scriptedContext(SENDERS);
    await sms.idempotencyKey!({ to: ['+16505550123'], text: 'a' }, ctx);
    await sms.preview!({ to: ['+16505550123'], text: 'a' }, ctx);
    expect(argvs).toEqual([['request', 'conn-1', '/restapi/v1.0/account/~/extension/~/phone-number?perPage=1000', '-X', 'GET', '--json']]);
  });
});

describe('previews of writes', () => {
  const MESSAGE = 'GET /restapi/v1.0/account/~/extension/~/message-store/123';
  const message = { id: 123, type: 'SMS', direction: 'Inbound', from: { phoneNumber: '+16505550100' }, subject: 'hi', creationTime: 't' };
  const CONTACT = 'GET /restapi/v1.0/account/~/extension/~/address-book/contact/55';

  it('delete_message: the message, moved to Deleted or purged', async () => {
    const compact = { id: 123, type: 'SMS', direction: 'Inbound', from: '+16505550100', subject: 'hi', time: 't' };
    expect(await previewOf('ringcentral_delete_message', { messageId: '123' }, { rest: { [MESSAGE]: message } })).toStrictEqual({
      action: 'delete message (moves to Deleted)',
      message: compact,
    });
    expect(
      await previewOf('ringcentral_delete_message', { messageId: '123', purge: true }, { rest: { [MESSAGE]: message } }),
    ).toStrictEqual({
      action: 'purge message (permanent)',
      message: compact,
    });
  });

  it('create_contact: the fields given', async () => {
    expect(await previewOf('ringcentral_create_contact', { firstName: 'Ann', company: 'Acme', dryRun: true })).toStrictEqual({
      action: 'create contact',
      contact: { firstName: 'Ann', company: 'Acme' },
    });
  });

  it('update_contact: each named field as before -> after, the unchanged ones apart', async () => {
    const current = { id: 55, firstName: 'Ann', lastName: 'Lee', email: 'a@x.co', notes: '', businessAddress: { city: 'Oslo' } };
    expect(
      await previewOf(
        'ringcentral_update_contact',
        { contactId: '55', firstName: 'Anne', email: 'a@x.co', notes: 'n', jobTitle: 'CTO', businessAddress: { city: 'Bergen' } },
        { rest: { [CONTACT]: current } },
      ),
    ).toStrictEqual({
      action: 'update contact',
      contact: 'Ann Lee (55)',
      changes: {
        firstName: 'Ann -> Anne',
        notes: '(empty) -> n',
        jobTitle: '(empty) -> CTO',
        'businessAddress.city': 'Oslo -> Bergen',
      },
      unchanged: ['email'],
    });
    // An address part: the part named, not the whole address; the parts left out are not shown as cleared.
    const address = { id: 55, firstName: 'Ann', businessAddress: { street: '1 Main St', city: 'Oslo', zip: '0150', country: 'NO' } };
    expect(
      await previewOf(
        'ringcentral_update_contact',
        { contactId: '55', businessAddress: { city: 'Bergen', country: 'NO', state: 'Vestland' } },
        { rest: { [CONTACT]: address } },
      ),
    ).toStrictEqual({
      action: 'update contact',
      contact: 'Ann (55)',
      changes: { 'businessAddress.city': 'Oslo -> Bergen', 'businessAddress.state': '(empty) -> Vestland' },
      unchanged: ['businessAddress.country'],
    });
    expect(
      await previewOf('ringcentral_update_contact', { contactId: '55', company: 'X' }, { rest: { [CONTACT]: { id: 55, company: null } } }),
    ).toStrictEqual({
      action: 'update contact',
      contact: '55 (55)',
      changes: { company: '(empty) -> X' },
    });
  });

  it('update_contact: an address that is missing or null has every part named as new; a value not text shows as JSON', async () => {
    const preview = (current: JsonObject, input: JsonObject) =>
      previewOf(
        'ringcentral_update_contact',
        { contactId: '55', ...input },
        { rest: { [CONTACT]: { id: 55, firstName: 'Ann', ...current } } },
      );
    expect(await preview({ businessAddress: null }, { businessAddress: { city: 'Bergen' } })).toStrictEqual({
      action: 'update contact',
      contact: 'Ann (55)',
      changes: { 'businessAddress.city': '(empty) -> Bergen' },
    });
    expect(await preview({ notes: { text: 'old' }, company: ['A', 'B'] }, { notes: 'new', company: 'C' })).toStrictEqual({
      action: 'update contact',
      contact: 'Ann (55)',
      changes: { notes: '{"text":"old"} -> new', company: '["A","B"] -> C' },
    });
  });

  it('update_contact names a contact by name, else company, email or id', async () => {
    const nameIn = async (current: JsonObject) =>
      (await previewOf('ringcentral_update_contact', { contactId: '55', notes: 'n' }, { rest: { [CONTACT]: current } })).contact;
    expect(await nameIn({ id: 55, lastName: 'Lee', company: 'Acme' })).toBe('Lee (55)');
    expect(await nameIn({ id: 55, company: 'Acme', email: 'a@x.co' })).toBe('Acme (55)');
    expect(await nameIn({ id: 55, email: 'a@x.co' })).toBe('a@x.co (55)');
  });

  it('delete_contact: the contact as a list shows it', async () => {
    expect(
      await previewOf(
        'ringcentral_delete_contact',
        { contactId: '55' },
        { rest: { [CONTACT]: { id: 55, firstName: 'Ann', mobilePhone: '+1' } } },
      ),
    ).toStrictEqual({
      action: 'delete contact (permanent)',
      contact: { id: 55, card: 'Ann +1' },
    });
  });

  it('create_meeting: Instant unless said, a password shown as set', async () => {
    expect(await previewOf('ringcentral_create_meeting', {})).toStrictEqual({ action: 'create meeting', type: 'Instant' });
    expect(
      await previewOf('ringcentral_create_meeting', { name: 'Standup', type: 'PMI', password: 'secret', waitingRoom: false }),
    ).toStrictEqual({
      action: 'create meeting',
      name: 'Standup',
      type: 'PMI',
      password: 'set',
      waitingRoom: false,
    });
  });

  it('delete_meeting: the bridge with its join link and PIN', async () => {
    const bridge = {
      id: 'b1',
      name: 'Standup',
      type: 'Instant',
      discovery: { web: 'https://v.ringcentral.com/join/1' },
      pins: { web: '123' },
      host: {},
    };
    expect(
      await previewOf('ringcentral_delete_meeting', { meetingId: 'b1' }, { rest: { 'GET /rcvideo/v2/bridges/b1': bridge } }),
    ).toStrictEqual({
      action: 'delete meeting (permanent)',
      meeting: { id: 'b1', name: 'Standup', type: 'Instant', joinUrl: 'https://v.ringcentral.com/join/1', pin: '123' },
    });
    expect(
      await previewOf(
        'ringcentral_delete_meeting',
        { meetingId: 'b2' },
        { rest: { 'GET /rcvideo/v2/bridges/b2': { id: 'b2', pins: {} } } },
      ),
    ).toStrictEqual({
      action: 'delete meeting (permanent)',
      meeting: { id: 'b2' },
    });
    expect(
      await previewOf(
        'ringcentral_delete_meeting',
        { meetingId: 'b3' },
        { rest: { 'GET /rcvideo/v2/bridges/b3': { id: 'b3', discovery: {} } } },
      ),
    ).toStrictEqual({ action: 'delete meeting (permanent)', meeting: { id: 'b3' } });
  });
});

describe('a message read with its content first', () => {
  const complete = (record: JsonObject, script: Script = {}) =>
    toolNamed('ringcentral_get_message').complete!(record, scriptedContext(script).ctx);
  const CONTENT = '/restapi/v1.0/account/1234/extension/5678/message-store/901/content/234';
  const voicemail = (uri: unknown, contentType = 'text/plain;charset=UTF-8') => ({
    id: 3,
    type: 'VoiceMail',
    attachments: [
      { id: 5, type: 'AudioRecording', contentType: 'audio/mpeg', uri: 'https://media.ringcentral.com/x' },
      {
        id: 6,
        type: 'Text',
        contentType: 'text/plain',
        uri: 'https://media.ringcentral.com/restapi/v1.0/account/1/extension/2/message-store/3/content/6',
      },
      { id: 4, type: 'AudioTranscription', contentType, uri },
    ],
  });

  it('an SMS or pager message: its text', async () => {
    expect(await complete({ id: 1, type: 'SMS', subject: 'hi' })).toStrictEqual({ text: 'hi', id: 1, type: 'SMS', subject: 'hi' });
    expect(await complete({ id: 2, type: 'Pager', subject: 'yo' })).toStrictEqual({ text: 'yo', id: 2, type: 'Pager', subject: 'yo' });
    expect(Object.keys(await complete({ id: 1, type: 'SMS', subject: 'hi' }))).toEqual(['text', 'id', 'type', 'subject']);
  });

  it('a page count only for a fax', async () => {
    expect(await complete({ id: 1, type: 'SMS', subject: 'hi', faxPageCount: 0 })).toStrictEqual({
      text: 'hi',
      id: 1,
      type: 'SMS',
      subject: 'hi',
      faxPageCount: 0,
    });
  });

  it('a fax: its page count', async () => {
    expect(await complete({ id: 1, type: 'Fax', faxPageCount: 3, subject: 's' })).toStrictEqual({
      pageCount: 3,
      id: 1,
      type: 'Fax',
      faxPageCount: 3,
      subject: 's',
    });
  });

  it('a voicemail: the transcription, fetched from its content path', async () => {
    const record = voicemail(`https://media.ringcentral.com${CONTENT}?x=1`);
    const { ctx, argvs } = scriptedContext({ rest: { [`GET ${CONTENT}`]: new Printed('  Call me back.\n') } });
    expect(await toolNamed('ringcentral_get_message').complete!(record, ctx)).toStrictEqual({ transcription: 'Call me back.', ...record });
    expect(argvs).toEqual([['request', 'conn-1', CONTENT, '-X', 'GET', '--json']]);
  });

  it('a transcription RingCentral cannot serve is said, not fatal', async () => {
    const record = voicemail(`https://media.ringcentral.com${CONTENT}`);
    const failing = new Printed('{"errorCode":"CMN-102","message":"Resource for parameter [contentId] is not found"}', 1);
    const completed = await complete(record, { rest: { [`GET ${CONTENT}`]: failing } });
    expect(Object.keys(completed)).toEqual(['transcriptionError', 'id', 'type', 'attachments']);
    expect(completed.transcriptionError).toMatch(/^ringcentral_error: RingCentral CMN-102/);
  });

  it('an error that is not a ToolError is not swallowed', async () => {
    await expect(complete(voicemail(`https://media.ringcentral.com${CONTENT}`))).rejects.toThrow(
      `the script has no answer for GET ${CONTENT}`,
    );
  });

  it('no transcription fetched for a URI that is not a message content path, not text, or not a voicemail', async () => {
    for (const uri of [
      'https://media.ringcentral.com/restapi/v1.0/account/1234/extension/5678/message-store/901/content/x',
      'https://media.ringcentral.com/restapi/v1.0/account/1234/extension/5678/message-store/901',
      'https://media.ringcentral.com/restapi/v1.0/account/1234/extension/5678/message-store/x/content/234',
      'https://media.ringcentral.com/restapi/v1.0/account/12/34/extension/5678/message-store/901/content/234',
      'https://media.ringcentral.com/x/restapi/v1.0/account/1/extension/2/message-store/3/content/4',
      `https://media.ringcentral.com${CONTENT}/5`,
      'not a url',
      7,
    ]) {
      const record = voicemail(uri);
      expect(await complete(record), String(uri)).toStrictEqual(record);
    }
    const html = voicemail(`https://media.ringcentral.com${CONTENT}`, 'text/html');
    expect(await complete(html)).toStrictEqual(html);
    const untyped = { id: 3, type: 'VoiceMail', attachments: [{ type: 'AudioTranscription', uri: `https://m.ringcentral.com${CONTENT}` }] };
    expect(await complete(untyped)).toStrictEqual(untyped);
    const sms = { ...voicemail(`https://media.ringcentral.com${CONTENT}`), type: 'SMS' };
    expect(await complete(sms)).toStrictEqual({ ...sms });
    expect(await complete({ id: 9, type: 'VoiceMail', attachments: 'none' })).toStrictEqual({
      id: 9,
      type: 'VoiceMail',
      attachments: 'none',
    });
  });
});

describe('look-ups count against rate limits', () => {
  it('a 429 on a look-up opens its group window; a look-up inside the window fails fast, running nothing', async () => {
    const limited = new Printed(
      JSON.stringify({ errorCode: 'CMN-301', message: 'Request rate exceeded' }),
      1,
      'HTTP 429 CMN-301: Request rate exceeded (Retry-After: 30)\n',
    );
    const { ctx, argvs } = scriptedContext({ rest: { 'GET /restapi/v1.0/account/~/extension/~/phone-number': limited } });
    const noted: Array<[string, number]> = [];
    const open = new Set<string>();
    ctx.penalties = {
      check: async (group) => {
        if (open.has(group)) throw new ToolError('rate_limited', `inside the ${group} window`);
      },
      note: async (group, seconds) => {
        noted.push([group, seconds]);
        open.add(group);
      },
    };
    expect((await refusal(smsSender(ctx))).code).toBe('rate_limited');
    expect(noted).toEqual([['Light', 30]]);
    expect(argvs.length).toBe(1);
    expect(await refusal(smsSender(ctx))).toMatchObject({ code: 'rate_limited', message: 'inside the Light window' });
    expect(argvs.length).toBe(1);
  });
});
