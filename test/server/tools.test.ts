/**
 * Every tool, called through a real MCP client over stdio against the sandbox, with assertions on
 * the data; create -> list -> update -> get -> delete round trips; one CLI process per warm call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { SANDBOX, startServer, type Harness } from '../helpers.js';

let h: Harness;
const SIXTY_DAYS_AGO = new Date(Date.now() - 60 * 86_400_000).toISOString();

beforeAll(async () => {
  h = await startServer({ args: ['--confirm', 'off'] });
});
afterAll(async () => h?.close());

async function ok(name: string, args: Record<string, unknown> = {}) {
  const result = await h.call(name, args);
  if (result.isError) throw new Error(`${name} failed: ${h.text(result)}`);
  expect(JSON.parse(h.text(result))).toEqual(result.structuredContent);
  return result.structuredContent;
}

describe('read tools', () => {
  it('ringcentral_status reports a ready sandbox connection', async () => {
    const s = await ok('ringcentral_status');
    expect(s.ready).toBe(true);
    expect(s.cli.found).toBe(true);
    expect(s.loggedIn).toBe(true);
    expect(s.connection.id).toMatch(/\S/);
    expect(s.problems).toEqual([]);
  });

  it('lists extensions compactly and gets one by id', async () => {
    const list = await ok('ringcentral_list_extensions', { limit: 100 });
    expect(list.count).toBeGreaterThanOrEqual(20);
    const user = list.records.find((r: any) => r.type === 'User');
    expect(Object.keys(user).sort()).toEqual(expect.arrayContaining(['id', 'name', 'type']));
    expect(user.uri).toBeUndefined(); // compact view drops the noise
    const one = await ok('ringcentral_get_extension_info', { extensionId: String(user.id) });
    expect(one.record.id).toBe(user.id);
    const departments = await ok('ringcentral_list_extensions', { type: 'Department' });
    expect(departments.records.length).toBeGreaterThan(0);
    expect(departments.records.every((r: any) => r.type === 'Department')).toBe(true);
  });

  it('gets my extension and the account', async () => {
    const me = await ok('ringcentral_get_extension_info');
    expect(typeof me.record.id).toBe('number');
    expect(String(me.record.uri)).not.toContain('~');
    const account = await ok('ringcentral_get_account_info');
    expect(account.record.mainNumber).toMatch(/^\+\d+$/);
  });

  it('lists messages by type over 60 days and gets one', async () => {
    const voicemail = await ok('ringcentral_list_messages', { messageType: 'VoiceMail', dateFrom: SIXTY_DAYS_AGO, limit: 10 });
    expect(voicemail.count).toBeGreaterThan(0);
    expect(voicemail.records.every((r: any) => r.type === 'VoiceMail')).toBe(true);
    expect(voicemail.nextCursor).toBeTypeOf('string');
    const message = await ok('ringcentral_get_message', { messageId: String(voicemail.records[0].id) });
    expect(message.record.id).toBe(voicemail.records[0].id);
    expect(message.record.type).toBe('VoiceMail');
  });

  it('message list without dates covers only the last 24 hours', async () => {
    const recent = await ok('ringcentral_list_messages', { limit: 1000 });
    const dayAgo = Date.now() - 25 * 3_600_000;
    expect(recent.records.every((r: any) => Date.parse(r.time) >= dayAgo)).toBe(true);
  });

  it('call log: compact fields, filters, detailed view', async () => {
    const log = await ok('ringcentral_get_call_log', { dateFrom: SIXTY_DAYS_AGO, direction: 'Inbound', limit: 20 });
    expect(log.count).toBe(20);
    for (const r of log.records) {
      expect(r.direction).toBe('Inbound');
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'time', 'from', 'result']));
    }
    const detailed = await ok('ringcentral_get_call_log', { dateFrom: SIXTY_DAYS_AGO, detailed: true, view: 'full', limit: 3 });
    expect(detailed.records[0].legs).toBeInstanceOf(Array);
  });

  it('active calls are in progress', async () => {
    const active = await ok('ringcentral_get_active_calls');
    expect(active.count).toBeGreaterThan(0);
    expect(active.records.every((r: any) => r.result === 'In Progress')).toBe(true);
  });

  it('chats of every type', async () => {
    const chats = await ok('ringcentral_list_chats', { limit: 250 });
    const types = new Set(chats.records.map((c: any) => c.type));
    for (const t of ['Personal', 'Direct', 'Group', 'Team']) expect(types).toContain(t);
  });

  it('the proxy reads the same extensions as the action', async () => {
    const viaProxy = await ok('ringcentral_api_request', {
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension',
      query: [{ name: 'perPage', value: '1000' }],
    });
    expect(viaProxy.status).toBe('done');
    const viaAction = await ok('ringcentral_list_extensions', { limit: 1000, view: 'full' });
    expect(viaProxy.result.body.records.map((r: any) => r.id)).toEqual(viaAction.records.map((r: any) => r.id));
  });

  it('find_actions ranks by intent and run_action runs one', async () => {
    const found = await ok('ringcentral_find_actions', { intent: 'send an sms text message', limit: 3 });
    expect(found.actions[0].key).toBe('send-sms');
    expect(found.actions[0].inputSchema.properties).toHaveProperty('text');
    const ran = await ok('ringcentral_run_action', { action: 'get-account-info', input: '{}' });
    expect(ran.status).toBe('done');
    expect(ran.result.mainNumber).toMatch(/^\+/);
  });
});

describe('write round trips', () => {
  it('contact: create -> list -> update -> get -> delete', async () => {
    const created = await ok('ringcentral_create_contact', {
      firstName: 'Zelda',
      lastName: 'Roundtrip',
      mobilePhone: '+16505550999',
      email: 'zelda@example.com',
    });
    expect(created.status).toBe('done');
    const id = String(created.result.id);
    const listed = await ok('ringcentral_list_contacts', { startsWith: 'Roundtrip' });
    expect(listed.records.map((r: any) => String(r.id))).toContain(id);
    const updated = await ok('ringcentral_update_contact', { contactId: id, company: 'Hyrule Inc' });
    expect(updated.result.company).toBe('Hyrule Inc');
    expect(updated.result.firstName).toBe('Zelda'); // partial update keeps the rest
    const got = await ok('ringcentral_get_contact', { contactId: id });
    expect(got.record.company).toBe('Hyrule Inc');
    const deleted = await ok('ringcentral_delete_contact', { contactId: id });
    expect(deleted.status).toBe('done');
    const gone = await h.call('ringcentral_get_contact', { contactId: id });
    expect(gone.isError).toBe(true);
    expect(h.text(gone)).toMatch(/CMN-102/);
  });

  it('send_sms from the default sender, then read it back, then soft-delete and purge', async () => {
    const sent = await ok('ringcentral_send_sms', { to: ['+16505550142'], text: 'Round trip from the tests' });
    expect(sent.status).toBe('done');
    expect(sent.result.messageStatus).toBe('Queued');
    expect(sent.result.from.phoneNumber).toMatch(/^\+1/);
    const id = String(sent.result.id);
    const read = await ok('ringcentral_get_message', { messageId: id });
    expect(read.record.subject).toBe('Round trip from the tests');
    expect(read.record.messageStatus).not.toBe('Queued');
    await ok('ringcentral_delete_message', { messageId: id });
    const soft = await ok('ringcentral_get_message', { messageId: id });
    expect(soft.record.availability).toBe('Deleted');
    await ok('ringcentral_delete_message', { messageId: id, purge: true });
    const purged = await h.call('ringcentral_get_message', { messageId: id });
    expect(purged.isError).toBe(true);
  });

  it('send_sms from a number without SmsSender is refused before it runs', async () => {
    const numbers = await ok('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension/~/phone-number' });
    const noSms = numbers.result.body.records.find((r: any) => !r.features?.includes('SmsSender'));
    const result = await h.call('ringcentral_send_sms', { from: noSms.phoneNumber, to: ['+16505550142'], text: 'x' });
    expect(result.isError).toBe(true);
    expect(h.text(result)).toMatch(/^invalid_input: from: /);
  });

  it('team, chat post by id and by name, meeting create/get/delete', async () => {
    const team = await ok('ringcentral_create_team', {
      name: 'Launch Crew Tests',
      members: ['someone@example.com'],
      description: 'made by tests',
    });
    expect(team.result.type).toBe('Team');
    const byId = await ok('ringcentral_create_chat_post', { chatId: String(team.result.id), text: 'hello by id' });
    expect(byId.result.text).toBe('hello by id');
    const byName = await ok('ringcentral_create_chat_post', { chatId: 'Launch Crew Tests', text: 'hello by name' });
    expect(String(byName.result.groupId ?? byName.result.chatId)).toBe(String(team.result.id));

    const meeting = await ok('ringcentral_create_meeting', { name: 'Tests sync', type: 'Scheduled' });
    const meetingId = String(meeting.result.id);
    expect(meeting.result.discovery.web).toMatch(/^https:\/\//);
    const got = await ok('ringcentral_get_meeting', { meetingId });
    expect(got.record.name).toBe('Tests sync');
    await ok('ringcentral_delete_meeting', { meetingId });
    expect((await h.call('ringcentral_get_meeting', { meetingId })).isError).toBe(true);
  });
});

/** RingCentral's own answer to a GET, from the sandbox CLI itself (the same state; the proxy's result is cut to the budget). */
function raw(path: string, query: Record<string, string> = {}): any {
  const args = ['request', 'con_sbx_ringcentral', path, ...Object.entries(query).flatMap(([k, v]) => ['--query', `${k}=${v}`]), '--json'];
  return JSON.parse(execFileSync(process.execPath, [SANDBOX, ...args], { env: { ...process.env, ...h.sandbox.env }, encoding: 'utf8' }));
}

/** A past meeting as list_meetings shows it, computed from RingCentral's record. */
const meetingView = (m: any) => ({
  bridgeId: m.bridgeId,
  name: m.displayName,
  start: m.startTime,
  duration: m.duration,
  host: m.hostInfo.displayName,
  participants: m.participants.length,
  ...(m.recordings.length ? { recordings: m.recordings.map((r: any) => r.url) } : {}),
});

describe('meetings, message state and ids as lists give them', () => {
  it('list_meetings: the Video history newest first, as RingCentral has it, paged; the personal room on the first page', async () => {
    const history = raw('/rcvideo/v1/history/meetings', { perPage: '100' }).meetings;
    expect(history.length).toBeGreaterThan(10);
    expect(history.some((m: any) => m.recordings.length > 0)).toBe(true);
    const first = await ok('ringcentral_list_meetings', { limit: 5 });
    expect(first.records).toStrictEqual(history.slice(0, 5).map(meetingView));
    const room = raw('/rcvideo/v2/account/~/extension/~/bridges/default');
    expect(first.personalRoom).toStrictEqual({
      bridgeId: room.id,
      name: room.name,
      type: 'PMI',
      joinUrl: room.discovery.web,
      pin: room.pins.web,
    });
    const second = await ok('ringcentral_list_meetings', { limit: 5, cursor: first.nextCursor });
    expect(second.records).toStrictEqual(history.slice(5, 10).map(meetingView));
    expect(second.personalRoom).toBeUndefined();
    // The bridge id is the one the other meeting tools take.
    const mine = history.find((m: any) => m.hostInfo.extensionId === String(room.host.extensionId) && m.bridgeId !== room.id);
    expect((await ok('ringcentral_get_meeting', { meetingId: mine.bridgeId })).record.name).toBe(mine.displayName);
  });

  it('list_meetings: between two times (both included) and by words in the name', async () => {
    const history = raw('/rcvideo/v1/history/meetings', { perPage: '100' }).meetings;
    const between = await ok('ringcentral_list_meetings', { dateFrom: history[4].startTime, dateTo: history[1].startTime });
    expect(between.records).toStrictEqual(history.slice(1, 5).map(meetingView));
    const named = await ok('ringcentral_list_meetings', { name: 'weekly', limit: 100 });
    const weekly = history.filter((m: any) => /weekly/i.test(m.displayName));
    expect(weekly.length).toBeGreaterThan(0);
    expect(named.records).toStrictEqual(weekly.map(meetingView));
  });

  it('a meeting that is gone names meetingId (the field used) and the tool that lists meetings', async () => {
    for (const tool of ['ringcentral_get_meeting', 'ringcentral_delete_meeting']) {
      const gone = await h.call(tool, { meetingId: 'iad41-c00-ndbgone' });
      expect(gone.isError).toBe(true);
      expect(h.text(gone)).toMatch(
        /^not_found: meetingId "iad41-c00-ndbgone": no such meeting \(deleted, expired or not yours\) \(RingCentral CMN-102\)\nFix: take a bridgeId from ringcentral_list_meetings/,
      );
      expect(h.text(gone)).not.toMatch(/\[bridgeId\]|parameter: bridgeId/);
    }
  });

  it('list_messages fields ["transcription"]: each voicemail with its text in the same call, at most 10 per call, said when that cut the page', async () => {
    const dateFrom = SIXTY_DAYS_AGO;
    const before = h.sandbox.spawns();
    const page = await ok('ringcentral_list_messages', { messageType: 'VoiceMail', dateFrom, fields: ['transcription'] });
    const spawned = h.sandbox.spawns() - before;
    expect(page.count).toBe(10);
    expect(page.note).toBe('each transcription is fetched on its own: at most 10 records per call; pass nextCursor for the rest');
    // One CLI run for the list and one per transcription, never more than the bound.
    expect(spawned).toBe(1 + page.records.filter((r: any) => r.transcription !== undefined).length);
    expect(spawned).toBeLessThanOrEqual(11);
    for (const r of [page.records[0], page.records[9]]) {
      expect(r.transcription).toBe((await ok('ringcentral_get_message', { messageId: r.id })).record.transcription);
    }
    const all = raw('/restapi/v1.0/account/~/extension/~/message-store', { messageType: 'VoiceMail', dateFrom, perPage: '20' }).records;
    const next = await ok('ringcentral_list_messages', {
      messageType: 'VoiceMail',
      dateFrom,
      fields: ['transcription'],
      cursor: page.nextCursor,
    });
    expect([...page.records, ...next.records].map((r: any) => r.id)).toEqual(all.map((r: any) => r.id));
    // A page the bound did not cut says nothing.
    const three = await ok('ringcentral_list_messages', { messageType: 'VoiceMail', dateFrom, fields: ['transcription'], limit: 3 });
    expect(three.count).toBe(3);
    expect(three.note).toBeUndefined();
    expect(three.records.every((r: any) => typeof r.transcription === 'string' && r.transcription.length > 0)).toBe(true);
  });

  it('a fields entry that is not a field of the records is refused, naming the fields there are, before any CLI run', async () => {
    const before = h.sandbox.spawns();
    const wrong = await h.call('ringcentral_list_messages', { fields: ['subject', 'transcript'] });
    expect(wrong.isError).toBe(true);
    expect(h.text(wrong)).toMatch(
      /^invalid_input: fields\.1: "transcript" is not a field of these records; fields available: id, uri, .*subject.*, transcription\n/,
    );
    const meetings = await h.call('ringcentral_list_meetings', { fields: ['hostInfo.displayName', 'topic'] });
    expect(h.text(meetings)).toMatch(
      /^invalid_input: fields\.1: "topic" is not a field of these records; fields available: id, shortId, bridgeId, /,
    );
    expect(h.sandbox.spawns()).toBe(before);
    // A nested path under a known field is taken.
    const nested = await ok('ringcentral_list_meetings', { fields: ['hostInfo.extensionId'], limit: 1 });
    expect(nested.records[0]['hostInfo.extensionId']).toMatch(/^\d+$/);
  });

  it('update_message: read and unread, and a deleted message restored; ids as lists give them (numbers)', async () => {
    const unread = await ok('ringcentral_list_messages', { readStatus: 'Unread', dateFrom: SIXTY_DAYS_AGO, limit: 1 });
    const id: number = unread.records[0].id;
    expect(typeof id).toBe('number');
    const read = await ok('ringcentral_update_message', { messageId: id, read: true });
    expect(read).toMatchObject({ status: 'done', result: { id, readStatus: 'Read' } });
    expect((await ok('ringcentral_get_message', { messageId: id })).record.readStatus).toBe('Read');
    await ok('ringcentral_update_message', { messageId: String(id), read: false });
    expect((await ok('ringcentral_get_message', { messageId: id })).record.readStatus).toBe('Unread');

    await ok('ringcentral_delete_message', { messageId: id });
    const deleted = await ok('ringcentral_list_messages', { deleted: true, dateFrom: SIXTY_DAYS_AGO, limit: 1000 });
    expect(deleted.records.map((r: any) => r.id)).toContain(id);
    const restored = await ok('ringcentral_update_message', { messageId: id, restore: true });
    expect(restored.result).toMatchObject({ id, availability: 'Alive', readStatus: 'Unread' });
    const deletedAfter = await ok('ringcentral_list_messages', { deleted: true, dateFrom: SIXTY_DAYS_AGO, limit: 1000 });
    expect(deletedAfter.records.map((r: any) => r.id)).not.toContain(id);
  });

  it('update_message: bad input is refused with the field named and changes nothing; a missing message names messageId and list_messages', async () => {
    const unread = await ok('ringcentral_list_messages', { readStatus: 'Unread', dateFrom: SIXTY_DAYS_AGO, limit: 1 });
    const id = unread.records[0].id;
    const before = h.sandbox.spawns();
    for (const [args, text] of [
      [{ messageId: id }, 'invalid_input: give read (true or false), or restore: true, or both\nFix: nothing was sent'],
      [{ messageId: id, restore: false }, 'invalid_input: give read (true or false), or restore: true, or both\nFix: nothing was sent'],
      [
        { messageId: 'abc', read: true },
        'invalid_input: messageId: must be a numeric RingCentral id (digits only); get it from ringcentral_list_messages\nFix: correct the named field(s); nothing was sent',
      ],
      [
        { messageId: 2 ** 60, read: true },
        `invalid_input: messageId: ${2 ** 60} is not exact (a number beyond 2^53 loses digits): pass the id as a string\nFix: correct the named field(s); nothing was sent`,
      ],
      [
        { messageId: id, read: 'yes' },
        'invalid_input: read: Invalid input: expected boolean, received string\nFix: correct the named field(s); nothing was sent',
      ],
    ] as const) {
      const result = await h.call('ringcentral_update_message', args);
      expect(result.isError).toBe(true);
      expect(h.text(result)).toBe(text);
    }
    expect(h.sandbox.spawns()).toBe(before);
    expect((await ok('ringcentral_get_message', { messageId: id })).record.readStatus).toBe('Unread');
    const missing = await h.call('ringcentral_update_message', { messageId: 999, read: true });
    expect(h.text(missing)).toMatch(
      /^not_found: messageId 999: no such message \(purged, or not in your mailbox\) \(RingCentral CMN-102\)\nFix: take the id from ringcentral_list_messages/,
    );
  });

  it('one SMS conversation as a thread, newest first, as RingCentral lists it', async () => {
    const sms = await ok('ringcentral_list_messages', {
      messageType: 'SMS',
      dateFrom: SIXTY_DAYS_AGO,
      limit: 1,
      fields: ['conversationId'],
    });
    const conversationId = sms.records[0].conversationId;
    expect(conversationId).toMatch(/^\d{19}$/);
    const thread = await ok('ringcentral_list_messages', {
      conversationId,
      dateFrom: SIXTY_DAYS_AGO,
      fields: ['conversationId'],
      limit: 100,
    });
    expect(thread.count).toBeGreaterThan(1);
    expect(thread.records.every((r: any) => r.conversationId === conversationId)).toBe(true);
    const times = thread.records.map((r: any) => r.time);
    expect(times).toEqual([...times].sort().reverse());
    const upstream = raw('/restapi/v1.0/account/~/extension/~/message-store', { conversationId, dateFrom: SIXTY_DAYS_AGO });
    expect(thread.records.map((r: any) => r.id)).toEqual(upstream.records.map((r: any) => r.id));
  });

  it('ids as JSON numbers, as list results give them, in every id field', async () => {
    const contacts = await ok('ringcentral_list_contacts', { limit: 1 });
    expect(typeof contacts.records[0].id).toBe('number');
    expect((await ok('ringcentral_get_contact', { contactId: contacts.records[0].id })).record.id).toBe(contacts.records[0].id);
    const extensions = await ok('ringcentral_list_extensions', { limit: 1 });
    expect((await ok('ringcentral_get_extension_info', { extensionId: extensions.records[0].id })).record.id).toBe(
      extensions.records[0].id,
    );
    const calls = await ok('ringcentral_get_call_log', { extensionId: extensions.records[0].id, limit: 1 });
    expect(calls.count).toBeGreaterThanOrEqual(0);
  });

  it("compact contacts are at most a quarter of RingCentral's records, the same records, each with its name, company, phone and email", async () => {
    const list = await h.call('ringcentral_list_contacts', { limit: 100 });
    const records = list.structuredContent.records;
    const upstream = raw('/restapi/v1.0/account/~/extension/~/address-book/contact', { perPage: '100' }).records;
    expect(records.map((r: any) => r.id)).toEqual(upstream.map((r: any) => r.id));
    expect(h.text(list).length / JSON.stringify(upstream).length).toBeLessThanOrEqual(0.25);
    upstream.forEach((c: any, i: number) => {
      for (const part of [c.firstName, c.lastName, c.company, c.mobilePhone ?? c.businessPhone ?? c.homePhone, c.email].filter(Boolean))
        expect(records[i].card).toContain(part);
    });
  });
});

describe('chat name helper', () => {
  it('posts to the Direct chat of a person given by email', async () => {
    const me = await ok('ringcentral_get_extension_info');
    const chats = await ok('ringcentral_list_chats', { type: 'Direct', view: 'full', limit: 250 });
    const direct = chats.records.find((c: any) => c.members?.length === 2);
    const otherId = direct.members.map((m: any) => String(m.id)).find((id: string) => id !== String(me.record.id));
    const other = await ok('ringcentral_get_extension_info', { extensionId: otherId });
    const post = await ok('ringcentral_create_chat_post', { chatId: other.record.contact.email, text: 'hi by email' });
    expect(String(post.result.groupId)).toBe(String(direct.id));
  });

  it('an ambiguous name returns the candidates instead of guessing', async () => {
    await ok('ringcentral_create_team', { name: 'Twin Team' });
    await ok('ringcentral_create_team', { name: 'twin team' });
    const before = h.sandbox.spawns();
    const result = await h.call('ringcentral_create_chat_post', { chatId: 'Twin Team', text: 'which one?' });
    expect(result.isError).toBe(true);
    expect(h.text(result)).toMatch(/ambiguous/);
    expect((result._meta as any)['ringcentral-mcp/error'].candidates).toHaveLength(2);
    expect(
      h.sandbox
        .argvs()
        .slice(before)
        .some((a) => /which one/.test(a.join(' '))),
    ).toBe(false);
  });
});

describe('process economy', () => {
  it('a warm call spawns exactly one CLI process; invalid input spawns none', async () => {
    await ok('ringcentral_get_account_info');
    const before = h.sandbox.spawns();
    await ok('ringcentral_list_contacts', { limit: 5 });
    expect(h.sandbox.spawns() - before).toBe(1);
    const bad = [
      ['ringcentral_send_sms', { to: ['-6505550142'], text: 'x' }],
      ['ringcentral_get_message', { messageId: '' }],
      ['ringcentral_get_contact', { contactId: '--help' }],
      ['ringcentral_api_request', { method: 'GET', path: '/restapi/../../etc/passwd' }],
      ['ringcentral_api_request', { method: 'GET', path: 'https://evil.example.com/restapi/v1.0' }],
    ] as const;
    const mark = h.sandbox.spawns();
    for (const [name, args] of bad) {
      const result = await h.call(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
    }
    expect(h.sandbox.spawns()).toBe(mark);
  });

  it('the action run argv is exactly the documented one', async () => {
    await ok('ringcentral_get_account_info');
    const argv = h.sandbox.argvs().at(-1)!;
    expect(argv.slice(0, 2)).toEqual(['action', 'run']);
    expect(argv).toContain('--connectionId');
    expect(argv).toContain('--json');
    expect(JSON.parse(argv[argv.indexOf('--input') + 1])).toEqual({});
  });
});
