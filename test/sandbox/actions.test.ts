import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CID, NOW, sandbox } from './helpers.js';

const sb = sandbox({}, { inProcess: true });
const DAY = 86_400_000;
const ago = (d: number) => new Date(Date.parse(NOW) - d * DAY).toISOString();

beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});
afterAll(() => sb.cleanup());

describe('read actions', () => {
  it('list-extensions returns ~25 extensions with RingCentral id types, and filters by type', async () => {
    const [all, users, queues, page2] = await Promise.all([
      sb.actOk('list-extensions'),
      sb.actOk('list-extensions', { type: ['User'], status: ['Enabled'] }),
      sb.actOk('list-extensions', { type: ['Department'] }),
      sb.actOk('list-extensions', { perPage: 10, page: 2 }),
    ]);
    expect(all.records.length).toBeGreaterThanOrEqual(20);
    expect(all.records.length).toBeLessThanOrEqual(30);
    expect(all.paging).toMatchObject({ page: 1, pageStart: 0, totalElements: all.records.length });
    for (const e of all.records) {
      expect(e.id).toBeTypeOf('number');
      expect(e.uri).toMatch(new RegExp(`/extension/${e.id}$`));
      expect(e.uri).not.toContain('~');
      expect(e.uri).toMatch(/^https:\/\/[a-z.]+\.invalid\//);
      if (e.contact.email) expect(e.contact.email).toMatch(/@example\.com$/);
    }
    expect(users.records.every((e: any) => e.type === 'User' && e.status === 'Enabled')).toBe(true);
    expect(queues.records.length).toBeGreaterThanOrEqual(2);
    expect(page2.records).toHaveLength(10);
    expect(page2.paging).toMatchObject({ page: 2, perPage: 10, pageStart: 10, pageEnd: 19 });
    expect(page2.navigation.previousPage.uri).toContain('page=1');
  });

  it('get-extension-info defaults to the current user, with a string account id and service features', async () => {
    const [me, list] = await Promise.all([sb.actOk('get-extension-info'), sb.actOk('list-extensions', { type: ['User'] })]);
    expect(me.id).toBe(list.records[0].id);
    expect(me.account.id).toBeTypeOf('string');
    expect(me.serviceFeatures.length).toBeGreaterThan(0);
    const other = await sb.actOk('get-extension-info', { extensionId: String(list.records[1].id) });
    expect(other.id).toBe(list.records[1].id);
    expect(other.serviceFeatures).toBeUndefined();
    const missing = await sb.act('get-extension-info', { extensionId: '999' });
    expect(missing.json).toMatchObject({ type: 'dependency_error', key: 'upstream_error' });
    expect(missing.json.data.response.status).toBe(404);
    expect(missing.json.data.response.data.errors[0]).toMatchObject({ errorCode: 'CMN-102', parameterName: 'extensionId' });
  });

  it('get-account-info returns the account', async () => {
    const a = await sb.actOk('get-account-info', {});
    expect(a.id).toBeTypeOf('number');
    expect(a.mainNumber).toMatch(/^\+1\d{3}5550\d{3}$/);
    expect(a.status).toBe('Confirmed');
  });

  it('list-chats covers every chat type, exactly one Personal chat, members as string ids', async () => {
    const out = await sb.actOk('list-chats', { recordCount: 100 });
    const types = new Set(out.records.map((c: any) => c.type));
    for (const t of ['Personal', 'Direct', 'Group', 'Team', 'Everyone']) expect(types.has(t)).toBe(true);
    expect(out.records.filter((c: any) => c.type === 'Personal')).toHaveLength(1);
    expect(out.records.length).toBeGreaterThanOrEqual(15);
    for (const c of out.records) {
      expect(c.id).toBeTypeOf('string');
      for (const m of c.members) expect(m.id).toMatch(/^\d+$/);
    }
    const teams = await sb.actOk('list-chats', { type: ['Team'] });
    expect(teams.records.every((c: any) => c.type === 'Team' && c.name)).toBe(true);
  });

  it('list-messages defaults to the last 24 h, newest first; dateFrom widens it; filters work', async () => {
    const [day, all, sms, vm] = await Promise.all([
      sb.actOk('list-messages'),
      sb.actOk('list-messages', { dateFrom: ago(61), perPage: 1000 }),
      sb.actOk('list-messages', { dateFrom: ago(61), messageType: ['SMS'], direction: ['Inbound'], perPage: 1000 }),
      sb.actOk('list-messages', { dateFrom: ago(61), messageType: ['VoiceMail'], readStatus: ['Unread'] }),
    ]);
    expect(day.records.length).toBeGreaterThan(0);
    for (const m of day.records) expect(Date.parse(m.creationTime)).toBeGreaterThanOrEqual(Date.parse(NOW) - DAY);
    expect(all.records.length).toBeGreaterThanOrEqual(300);
    const times = all.records.map((m: any) => m.creationTime);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(all.records.map((m: any) => m.type))).toEqual(new Set(['SMS', 'VoiceMail', 'Fax']));
    expect(all.records[0].creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sms.records.every((m: any) => m.type === 'SMS' && m.direction === 'Inbound')).toBe(true);
    expect(vm.records.every((m: any) => m.type === 'VoiceMail' && m.readStatus === 'Unread')).toBe(true);
  });

  it('get-message returns one message; an unknown id is a CMN-102 dependency error', async () => {
    const list = await sb.actOk('list-messages', { perPage: 1 });
    const id = String(list.records[0].id);
    const m = await sb.actOk('get-message', { messageId: id });
    expect(m.id).toBe(list.records[0].id);
    const bad = await sb.act('get-message', { messageId: '12345' });
    expect(bad.code).toBe(1);
    expect(bad.json.data.response.data.errors[0].errorCode).toBe('CMN-102');
  });

  it('list-contacts has 60+ contacts; startsWith and sortBy work; get-contact reads one', async () => {
    const [all, sorted] = await Promise.all([
      sb.actOk('list-contacts', { perPage: 1000 }),
      sb.actOk('list-contacts', { sortBy: ['LastName'], perPage: 1000 }),
    ]);
    expect(all.records.length).toBeGreaterThanOrEqual(60);
    const last = sorted.records.map((c: any) => c.lastName);
    expect(last).toEqual([...last].sort((a: string, b: string) => a.localeCompare(b)));
    const first = all.records[0];
    const starts = await sb.actOk('list-contacts', { startsWith: first.firstName.slice(0, 2).toLowerCase() });
    expect(starts.records.some((c: any) => c.id === first.id)).toBe(true);
    const one = await sb.actOk('get-contact', { contactId: String(first.id) });
    expect(one).toMatchObject({ id: first.id, firstName: first.firstName });
    expect(one.email).toMatch(/@example\.com$/);
  });

  it('get-call-log: 24 h default, Simple without legs, Detailed with legs, 400+ over 60 days', async () => {
    const [day, detailed, all] = await Promise.all([
      sb.actOk('get-call-log'),
      sb.actOk('get-call-log', { view: 'Detailed', perPage: 5 }),
      sb.actOk('get-call-log', { dateFrom: ago(61), perPage: 1000 }),
    ]);
    expect(day.records.length).toBeGreaterThan(0);
    expect(day.records.every((r: any) => r.legs === undefined)).toBe(true);
    expect(detailed.records.every((r: any) => Array.isArray(r.legs) && r.legs.length > 0 && r.lastModifiedTime)).toBe(true);
    expect(all.records.length).toBeGreaterThanOrEqual(400);
    const results = new Set(all.records.map((r: any) => r.result));
    for (const x of ['Accepted', 'Missed', 'Voicemail']) expect(results.has(x)).toBe(true);
    expect(all.records[0].id).toBeTypeOf('string');
    const bad = await sb.act('get-call-log', { view: 'Fancy' });
    expect(bad.json).toMatchObject({ type: 'bad_request', key: 'invalid_input' });
    expect(bad.json.message).toContain('view');
  });

  it('get-active-calls lists 2-3 calls In Progress', async () => {
    const out = await sb.actOk('get-active-calls');
    expect(out.records.length).toBeGreaterThanOrEqual(2);
    expect(out.records.length).toBeLessThanOrEqual(3);
    expect(out.records.every((r: any) => r.result === 'In Progress')).toBe(true);
  });
});

describe('write actions', () => {
  it('create-contact -> update-contact (PATCH semantics) -> delete-contact', async () => {
    const c = await sb.actOk('create-contact', {
      firstName: 'Zed',
      lastName: 'Quill',
      email: 'zed.quill@example.com',
      mobilePhone: '+14155550999',
      company: 'Acme',
    });
    expect(c.id).toBeTypeOf('number');
    expect(c).toMatchObject({ firstName: 'Zed', availability: 'Alive' });
    const u = await sb.actOk('update-contact', { contactId: String(c.id), jobTitle: 'Buyer', company: null });
    expect(u).toMatchObject({ firstName: 'Zed', lastName: 'Quill', jobTitle: 'Buyer' });
    expect(u.company).toBeUndefined();
    const listed = await sb.actOk('list-contacts', { startsWith: 'Zed' });
    expect(listed.records.map((x: any) => x.id)).toContain(c.id);
    const del = await sb.act('delete-contact', { contactId: String(c.id) });
    expect(del.code).toBe(0);
    expect(del.json.output).toBeUndefined();
    expect(del.json.actionRunId).toMatch(/^arun_/);
    const gone = await sb.act('get-contact', { contactId: String(c.id) });
    expect(gone.json.data.response.status).toBe(404);
    const badPhone = await sb.act('create-contact', { mobilePhone: '4155550999' });
    expect(badPhone.json.data.response.data.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'mobilePhone' });
  });

  it('create-chat-post posts into a chat (201 body) and it is listed', async () => {
    const chats = await sb.actOk('list-chats', { type: ['Direct'] });
    const chatId = chats.records[0].id;
    const post = await sb.actOk('create-chat-post', { chatId, text: 'Hello from the test' });
    expect(post).toMatchObject({ groupId: chatId, text: 'Hello from the test', type: 'TextMessage' });
    expect(post.id).toBeTypeOf('string');
    const r = await sb.req(`/team-messaging/v1/chats/${chatId}/posts`);
    expect(r.json.records[0].id).toBe(post.id);
    const missing = await sb.act('create-chat-post', { chatId: '1', text: 'x' });
    expect(missing.json.data.response.status).toBe(404);
    const noText = await sb.act('create-chat-post', { chatId });
    expect(noText.json).toMatchObject({ key: 'invalid_input' });
  });

  it('create-team creates a Team that then appears in list-chats', async () => {
    const exts = await sb.actOk('list-extensions', { type: ['User'], status: ['Enabled'] });
    const team = await sb.actOk('create-team', {
      name: 'Test Team',
      description: 'From a test',
      public: true,
      members: [{ id: String(exts.records[1].id) }, { email: exts.records[2].contact.email }],
    });
    expect(team).toMatchObject({ type: 'Team', name: 'Test Team', public: true, status: 'Active' });
    const chats = await sb.actOk('list-chats', { type: ['Team'], recordCount: 250 });
    const found = chats.records.find((c: any) => c.id === team.id);
    expect(found).toBeTruthy();
    expect(found.members.map((m: any) => m.id)).toEqual(expect.arrayContaining([String(exts.records[1].id), String(exts.records[2].id)]));
    const noName = await sb.act('create-team', { public: true });
    expect(noName.json.message).toContain('name');
  });

  it('create-meeting -> get-meeting -> delete-meeting', async () => {
    const b = await sb.actOk('create-meeting', { name: 'Planning', type: 'Scheduled', security: { passwordProtected: true } });
    expect(b).toMatchObject({ name: 'Planning', type: 'Scheduled' });
    expect(b.discovery.web).toMatch(/^https:\/\/v\.sandbox\.invalid\/join\/\d+/);
    expect(b.security.passwordProtected).toBe(true);
    const got = await sb.actOk('get-meeting', { meetingId: b.id });
    expect(got.id).toBe(b.id);
    const del = await sb.act('delete-meeting', { meetingId: b.id });
    expect(del.code).toBe(0);
    expect(del.json.output).toBeUndefined();
    const gone = await sb.act('get-meeting', { meetingId: b.id });
    expect(gone.json.data.response.status).toBe(404);
    const bad = await sb.act('create-meeting', { type: 'Weekly' });
    expect(bad.json.key).toBe('invalid_input');
  });

  it('send-sms queues a message that moves to Sent then Delivered on later reads', async () => {
    const m = await sb.actOk('send-sms', {
      from: { phoneNumber: '+16505550101' },
      to: [{ phoneNumber: '+14155550177' }],
      text: 'Hi there',
    });
    expect(m).toMatchObject({ type: 'SMS', direction: 'Outbound', messageStatus: 'Queued', subject: 'Hi there' });
    const r1 = await sb.actOk('get-message', { messageId: String(m.id) });
    expect(r1.messageStatus).toBe('Sent');
    const r2 = await sb.actOk('get-message', { messageId: String(m.id) });
    expect(r2.messageStatus).toBe('Delivered');
    const r3 = await sb.actOk('get-message', { messageId: String(m.id) });
    expect(r3.messageStatus).toBe('Delivered');
  });

  it('send-sms validation: E.164, sender ownership and SmsSender, text length, recipients', async () => {
    const base = { from: { phoneNumber: '+16505550101' }, to: [{ phoneNumber: '+14155550177' }], text: 'x' };
    const [badTo, badFrom, notMine, noSms, long, empty, tooMany, emoji] = await Promise.all([
      sb.act('send-sms', { ...base, to: [{ phoneNumber: '4155550177' }] }),
      sb.act('send-sms', { ...base, from: { phoneNumber: '+0123' } }),
      sb.act('send-sms', { ...base, from: { phoneNumber: '+12125550100' } }),
      sb.act('send-sms', { ...base, from: { phoneNumber: '+16505550109' } }),
      sb.act('send-sms', { ...base, text: 'a'.repeat(1001) }),
      sb.act('send-sms', { ...base, text: '' }),
      sb.act('send-sms', { ...base, to: Array.from({ length: 11 }, (_, i) => ({ phoneNumber: `+1415555010${i % 10}` })) }),
      sb.act('send-sms', { ...base, text: '😀'.repeat(501) }),
    ]);
    const code = (r: any) => r.json.data.response.data.errors[0];
    for (const r of [badTo, badFrom, notMine, noSms, long, empty, tooMany, emoji]) {
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ type: 'dependency_error', key: 'upstream_error' });
      expect(r.json.actionRunId).toMatch(/^arun_/);
      expect(r.json.message).toMatch(/^RingCentral API error \d{3}: /);
      expect(r.json.data.response.data.errorCode).toBeTruthy();
    }
    expect(code(badTo)).toMatchObject({ errorCode: 'CMN-101', parameterName: 'to[0].phoneNumber' });
    expect(badTo.json.data.response.data.errorCode).toBe('InvalidParameter');
    expect(code(badFrom)).toMatchObject({ errorCode: 'CMN-101', parameterName: 'from.phoneNumber' });
    expect(notMine.json.data.response.status).toBe(403);
    expect(code(notMine).errorCode).toBe('MSG-304');
    expect(code(noSms).errorCode).toMatch(/^MSG-24[25]$/);
    expect(code(long).errorCode).toBe('MSG-338');
    expect(code(emoji).errorCode).toBe('MSG-338');
    expect(code(empty)).toMatchObject({ errorCode: 'CMN-101', parameterName: 'text' });
    expect(code(tooMany)).toMatchObject({ errorCode: 'CMN-101', parameterName: 'to' });
    const ok1000 = await sb.act('send-sms', { ...base, text: 'b'.repeat(1000) });
    expect(ok1000.code).toBe(0);
  });

  it('delete-message: soft delete, then purge', async () => {
    const list = await sb.actOk('list-messages', { perPage: 2 });
    const [a, b] = list.records.map((m: any) => String(m.id));
    expect((await sb.act('delete-message', { messageId: a })).code).toBe(0);
    const soft = await sb.actOk('get-message', { messageId: a });
    expect(soft.availability).toBe('Deleted');
    const alive = await sb.actOk('list-messages', { perPage: 1000 });
    expect(alive.records.some((m: any) => String(m.id) === a)).toBe(false);
    const deleted = await sb.actOk('list-messages', { availability: ['Deleted'], perPage: 1000 });
    expect(deleted.records.some((m: any) => String(m.id) === a)).toBe(true);
    expect((await sb.act('delete-message', { messageId: a })).code).toBe(0);
    expect((await sb.act('get-message', { messageId: a })).json.data.response.status).toBe(404);
    expect((await sb.act('delete-message', { messageId: b, purge: true })).code).toBe(0);
    expect((await sb.act('get-message', { messageId: b })).json.data.response.status).toBe(404);
  });

  it('delete-message with an empty or blank id empties the whole mailbox, as RingCentral does (the danger a server must never reach)', async () => {
    const own = sandbox({}, { inProcess: true });
    try {
      for (const id of ['', '   ']) {
        await own.ok(['reset', '--json']);
        const r = await own.act('delete-message', { messageId: id });
        expect(r.code, JSON.stringify(id)).toBe(0);
        expect(Object.keys(r.json)).toEqual(['actionRunId']);
        const [alive, deleted] = await Promise.all([
          own.actOk('list-messages', { dateFrom: ago(61), perPage: 1000 }),
          own.actOk('list-messages', { availability: ['Deleted'], dateFrom: ago(61), perPage: 1000 }),
        ]);
        expect(alive.records).toEqual([]);
        expect(deleted.records.length).toBeGreaterThan(250);
      }
    } finally {
      own.cleanup();
    }
  });
});

describe('action run plumbing', () => {
  it('accepts the action id as well as the key', async () => {
    const { items } = await sb.ok(['action', 'list', '--intent', 'get-account-info', '--json']);
    const byId = await sb.ok(['action', 'run', items[0].id, '--connectionId', CID, '--json']);
    expect(byId.output.id).toBeTypeOf('number');
    expect(byId.actionRunId).toMatch(/^arun_[0-9a-f]+$/);
  });

  it('unknown action is not_found; schema violations are invalid_input naming the field; undeclared properties are dropped', async () => {
    const [unknown, wrongType, extra, plain] = await Promise.all([
      sb.act('frobnicate'),
      sb.act('list-messages', { perPage: 'ten' }),
      sb.act('get-account-info', { bogus: 1 }),
      sb.act('get-account-info', {}),
    ]);
    expect(unknown.json).toMatchObject({ type: 'bad_request', key: 'not_found' });
    expect(wrongType.json).toMatchObject({ type: 'bad_request', key: 'invalid_input' });
    expect(wrongType.json.message).toContain('perPage');
    expect(extra.code).toBe(0);
    expect(extra.json.output).toEqual(plain.json.output);
  });

  it('list-extensions through action run and through request return the same extensions', async () => {
    const { items } = await sb.ok(['connection', 'list', '--json']);
    const id = items[0].id;
    const [viaAction, viaRequest] = await Promise.all([
      sb.ok(['action', 'run', 'list-extensions', '--connectionId', id, '--json']),
      sb.ok(['request', id, '/restapi/v1.0/account/~/extension', '--json']),
    ]);
    expect(viaAction.output.records.length).toBeGreaterThan(0);
    expect(viaAction.output).toEqual(viaRequest);
  });
});
