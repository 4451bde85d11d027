/**
 * Every tool, called through a real MCP client over stdio against the sandbox, with assertions on
 * the data; create -> list -> update -> get -> delete round trips; one CLI process per warm call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from '../helpers.js';

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
