/**
 * Every RingCentral tool under every connector variant the Membrane docs allow (renamed action
 * inputs, SDK data records, a replacing update, no schemas, 19-digit ids) and on the default
 * sandbox forced to each route: the same right answer as the default sandbox gives. One server
 * per configuration, a handful of calls per tool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, startServer, type Harness } from '../helpers.js';
import { EITHER_NAMES, ROUTED_TOOLS, shortName } from '../registry.js';

/** A pinned "now": every sandbox seeds the same data, and the 24 h windows agree. */
const NOW = '2026-03-01T12:00:00.000Z';
const SINCE = '2026-01-01T00:00:00Z';
const SMS_TEXT = 'Variant check 10:30 ✓ — "quotes" & ümlauts';

interface Config {
  name: string;
  variant?: string;
  route?: 'rest' | 'action';
  /** The tools that take their Membrane action; every other RingCentral tool takes REST (or its route per call). */
  onAction: readonly string[];
  /** The tools whose route depends on what a call sends (an action that declares only some of it). */
  perCall?: readonly string[];
  /** The REST base the server learns for the connection. */
  base?: string;
}

/** Every tool that may take its action (`via: 'either'`), in the order the route report gives. */
const ALL_EITHER = EITHER_NAMES;
const REST_BASE = 'https://platform.sandbox.invalid/restapi/v1.0';
/** Under partial-schemas, the actions that declare all their tool can send. */
const PARTIAL_ACTIONS = [
  'get_extension_info',
  'get_account_info',
  'send_sms',
  'get_contact',
  'delete_contact',
  'list_chats',
  'create_chat_post',
  'get_meeting',
  'delete_meeting',
];
/** The default sandbox's create-meeting leaves `preferences` open: a call with a waiting room takes REST, others the action. */
const DEFAULT_ACTIONS = ALL_EITHER.filter((t) => t !== 'create_meeting');

/**
 * Variants combine where each keeps its meaning (one server each keeps the suite fast): data
 * records and a replacing update on the action route, 19-digit ids on both routes.
 */
const CONFIGS: Config[] = [
  { name: 'default, --route rest', route: 'rest', onAction: [] },
  { name: 'default, --route action', route: 'action', onAction: ALL_EITHER },
  // The "~" default of get_extension_info is left out where undeclared: a call that names an extension takes REST.
  { name: 'renamed-inputs', variant: 'renamed-inputs', onAction: ['get_account_info'], perCall: ['get_extension_info', 'create_meeting'] },
  {
    name: 'data-records + replace-update + big-ids',
    variant: 'data-records,replace-update,big-ids',
    onAction: DEFAULT_ACTIONS,
    perCall: ['create_meeting'],
  },
  { name: 'no-schemas + big-ids', variant: 'no-schemas,big-ids', onAction: [] },
  // Declared, so on the action route; a call whose filter list the action takes as one value goes REST.
  { name: 'scalar-filters', variant: 'scalar-filters', onAction: DEFAULT_ACTIONS, perCall: ['create_meeting'] },
  // A connector whose base ends in /restapi/v1.0, and a CLI that does not encode --query values.
  {
    name: 'rest-base + raw-query',
    variant: 'rest-base,raw-query',
    onAction: DEFAULT_ACTIONS,
    perCall: ['create_meeting'],
    base: REST_BASE,
  },
  { name: 'rest-base + raw-query, --route rest', variant: 'rest-base,raw-query', route: 'rest', onAction: [], base: REST_BASE },
  // Actions that declare only some properties: each call takes the action when it sends only what is declared.
  {
    name: 'partial-schemas + rest-base',
    variant: 'partial-schemas,rest-base',
    onAction: PARTIAL_ACTIONS,
    perCall: ALL_EITHER.filter((t) => !PARTIAL_ACTIONS.includes(t)),
    base: REST_BASE,
  },
];

type Obj = Record<string, any>;

async function start(config: Omit<Config, 'onAction'>): Promise<Harness> {
  // The harness removes the sandbox folder (and the request log in it) on close.
  const sandbox = makeSandbox();
  const env: Record<string, string> = {
    MEMBRANE_SANDBOX_NOW: NOW,
    MEMBRANE_SANDBOX_DELAY_MS: '0',
    MEMBRANE_SANDBOX_REQUEST_LOG: join(sandbox.dir, 'requests.log'),
  };
  if (config.variant) env.MEMBRANE_SANDBOX_VARIANT = config.variant;
  return startServer({ sandbox, env, args: ['--confirm', 'off', ...(config.route ? ['--route', config.route] : [])] });
}

/** Every RingCentral request the sandbox served or refused, as it arrived. */
const requests = (h: Harness): Obj[] =>
  readFileSync(join(h.sandbox.dir, 'requests.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Obj);

async function ok(h: Harness, name: string, args: Obj = {}): Promise<Obj> {
  const result = await h.call(`ringcentral_${name}`, args);
  if (result.isError) throw new Error(`${name} failed: ${h.text(result)}`);
  return result.structuredContent;
}

/** A list's records without ids (ids are checked apart: big-ids changes them on purpose). */
const withoutIds = (records: Obj[]) => records.map(({ id: _id, ...rest }) => rest);

/** An id as the server returns it: exact digits (a string beyond 2^53), never a rounded number. */
function exactId(id: unknown, big: boolean): string {
  if (big) {
    expect(typeof id).toBe('string');
    expect(id).toMatch(/^\d{19}$/);
  } else {
    expect(Number.isSafeInteger(Number(id))).toBe(true);
  }
  return String(id);
}

/** Runs every RingCentral tool once or twice and returns what a person would be told. */
async function scenario(h: Harness, big: boolean, base = ''): Promise<Obj> {
  const answer: Obj = {};

  const departments = await ok(h, 'list_extensions', { type: 'Department', limit: 100 });
  expect(departments.count).toBeGreaterThan(0);
  expect(departments.records.every((r: Obj) => r.type === 'Department')).toBe(true);
  answer.departments = departments.records;
  answer.me = (({ name, extensionNumber, status }) => ({ name, extensionNumber, status }))((await ok(h, 'get_extension_info')).record);

  // Filters applied, and paging continues under every output shape.
  const voicemail1 = await ok(h, 'list_messages', { messageType: 'VoiceMail', dateFrom: SINCE, limit: 3 });
  const voicemail2 = await ok(h, 'list_messages', { messageType: 'VoiceMail', dateFrom: SINCE, limit: 3, cursor: voicemail1.nextCursor });
  const voicemail = [...voicemail1.records, ...voicemail2.records];
  expect(voicemail.length).toBe(6);
  expect(voicemail.every((r: Obj) => r.type === 'VoiceMail')).toBe(true);
  expect(new Set(voicemail.map((r: Obj) => exactId(r.id, big))).size).toBe(6);
  answer.voicemail = withoutIds(voicemail);
  const outbound = await ok(h, 'list_messages', { messageType: 'SMS', direction: 'Outbound', dateFrom: SINCE, limit: 4, view: 'full' });
  expect(outbound.records.length).toBe(4);
  expect(outbound.records.every((r: Obj) => r.type === 'SMS' && r.direction === 'Outbound')).toBe(true);
  // RingCentral's int64 conversationId, digit for digit.
  for (const r of outbound.records) expect(String(r.conversationId)).toBe(r.conversation.id);
  answer.outbound = outbound.records.map((r: Obj) => ({
    subject: r.subject,
    to: r.to.map((t: Obj) => t.phoneNumber),
    time: r.creationTime,
  }));

  // A date-only dateFrom: that day in the account's time zone, which the result names.
  const sinceDay = await ok(h, 'list_messages', { messageType: 'VoiceMail', dateFrom: '2026-01-01', limit: 3 });
  expect(sinceDay.records.map((r: Obj) => r.id)).toEqual(voicemail1.records.map((r: Obj) => r.id));
  answer.dayWindow = sinceDay.window;
  // A '+' in a phone number and in a time offset reach RingCentral as sent, whatever the CLI does with --query.
  const skyler = await ok(h, 'list_messages', { phoneNumber: '+14155550177', dateFrom: '2026-01-01T01:00:00+01:00', limit: 50 });
  expect(skyler.count).toBeGreaterThan(0);
  expect(skyler.records.every((r: Obj) => `${r.from} ${r.to}`.includes('+14155550177'))).toBe(true);
  answer.skyler = withoutIds(skyler.records);
  // RingCentral's default window, told; nothing in it says how to look further back.
  const lastDay = await ok(h, 'get_call_log', { phoneNumber: '+19995550100' });
  answer.lastDay = { count: lastDay.count, window: lastDay.window, hint: lastDay.hint };

  const one = (await ok(h, 'get_message', { messageId: exactId(voicemail[0].id, big) })).record;
  expect(String(one.id)).toBe(String(voicemail[0].id));
  // The proxy's body keeps the exact digits too.
  const proxied = (
    await ok(h, 'api_request', {
      method: 'GET',
      path: `/restapi/v1.0/account/~/extension/~/message-store/${String(outbound.records[0].id)}`,
    })
  ).result.body;
  expect(String(proxied.id)).toBe(String(outbound.records[0].id));
  expect(String(proxied.conversationId)).toBe(proxied.conversation.id);
  // A documented root outside /restapi/v1.0, through the proxy, with a query.
  const teamChats = await ok(h, 'api_request', {
    method: 'GET',
    path: '/team-messaging/v1/chats',
    query: [
      { name: 'type', value: 'Team' },
      { name: 'recordCount', value: '3' },
    ],
  });
  expect(teamChats.result.body.records.map((c: Obj) => c.type)).toEqual(['Team', 'Team', 'Team']);
  answer.message = { type: one.type, subject: one.subject, from: one.from.phoneNumber };
  // An id as a list gives it: a JSON number (a 19-digit one comes as its exact digits, a string).
  const byNumber0 = (await ok(h, 'get_message', { messageId: big ? String(voicemail[0].id) : Number(voicemail[0].id) })).record;
  expect(String(byNumber0.id)).toBe(String(voicemail[0].id));

  // Each voicemail's transcription in the list itself, and one conversation as a thread.
  const withText = await ok(h, 'list_messages', { messageType: 'VoiceMail', dateFrom: SINCE, limit: 3, fields: ['transcription'] });
  expect(withText.records.map((r: Obj) => String(r.id))).toEqual(voicemail1.records.map((r: Obj) => String(r.id)));
  answer.transcriptions = withText.records.map((r: Obj) => r.transcription);
  expect(answer.transcriptions.every((t: unknown) => typeof t === 'string' && t.length > 20)).toBe(true);
  const threadId = String(outbound.records[0].conversation.id);
  const thread = await ok(h, 'list_messages', { conversationId: threadId, dateFrom: SINCE, limit: 50, fields: ['conversationId'] });
  expect(thread.count).toBeGreaterThan(0);
  expect(thread.records.every((r: Obj) => String(r.conversationId) === threadId)).toBe(true);
  answer.thread = withoutIds(thread.records);

  // Read and unread again.
  const markId = exactId(voicemail[1].id, big);
  const readStatus = voicemail[1].readStatus;
  answer.marked = (await ok(h, 'update_message', { messageId: markId, read: readStatus !== 'Read' })).result.readStatus;
  await ok(h, 'update_message', { messageId: markId, read: readStatus === 'Read' });
  expect((await ok(h, 'get_message', { messageId: markId })).record.readStatus).toBe(readStatus);

  // Past meetings, paged with Video's token, and between two dates by name; the personal room.
  const meetings1 = await ok(h, 'list_meetings', { limit: 4 });
  const meetings2 = await ok(h, 'list_meetings', { limit: 4, cursor: meetings1.nextCursor });
  answer.meetings = [...meetings1.records, ...meetings2.records];
  expect(answer.meetings.length).toBe(8);
  expect(meetings2.personalRoom).toBeUndefined();
  answer.personalRoom = meetings1.personalRoom;
  answer.lastWeek = (await ok(h, 'list_meetings', { dateFrom: '2026-02-22', dateTo: '2026-02-28', limit: 100 })).records;
  expect(answer.lastWeek.length).toBeGreaterThan(0);

  // SMS content and sender exact, on whichever route.
  const sent = await ok(h, 'send_sms', { to: ['+14155550177', '+14155550178'], text: SMS_TEXT });
  expect(sent.status).toBe('done');
  const sentId = exactId(sent.result.id, big);
  answer.sms = {
    type: sent.result.type,
    direction: sent.result.direction,
    text: sent.result.subject,
    from: sent.result.from.phoneNumber,
    to: sent.result.to.map((t: Obj) => t.phoneNumber),
  };
  expect((await ok(h, 'delete_message', { messageId: sentId })).status).toBe('done');
  answer.deletedAvailability = (await ok(h, 'get_message', { messageId: sentId })).record.availability;
  answer.restored = (await ok(h, 'update_message', { messageId: sentId, restore: true })).result.availability;

  const patels = await ok(h, 'list_contacts', { startsWith: 'Patel', limit: 10 });
  expect(patels.count).toBeGreaterThan(0);
  expect(patels.records.every((r: Obj) => /^\S+ Patel\b/.test(r.card))).toBe(true);
  answer.patels = withoutIds(patels.records);

  // People: colleagues (the directory, REST) and contacts (list_contacts' route) in one call.
  const sato = await ok(h, 'find_people', { query: 'Quinn Sato' });
  expect(sato.records.map((r: Obj) => `${r.kind} ${r.name}`)).toEqual(['contact Quinn Sato']);
  exactId(sato.records[0].id, big);
  answer.people = {
    sato: withoutIds(sato.records),
    holm: (await ok(h, 'find_people', { query: 'holm' })).records.map((r: Obj) => `${r.kind} ${r.name}`),
    byNumber: withoutIds((await ok(h, 'find_people', { query: '(404) 555-0163' })).records),
  };
  // A text to a name goes to the number it names; a post to a colleague starts your Direct chat, once.
  answer.smsByName = (await ok(h, 'send_sms', { to: ['Quinn Sato'], text: SMS_TEXT })).result.to.map((t: Obj) => t.phoneNumber);
  const started = await ok(h, 'create_chat_post', { chatId: 'Elena Rahman', text: 'Variant hello' });
  const again = await ok(h, 'create_chat_post', { chatId: 'elena.rahman@example.com', text: 'Variant again' });
  expect(String(again.result.groupId)).toBe(String(started.result.groupId));
  answer.directPost = [started.result.text, again.result.text];

  // No contact field lost: create, update one field, read back.
  const fields = {
    firstName: 'Vera',
    lastName: 'Quill',
    company: 'Quill & Co',
    email: 'vera.quill@example.com',
    businessPhone: '+16505550111',
    mobilePhone: '+16505550112',
    businessAddress: { city: 'Oslo', country: 'NO' },
  };
  const created = await ok(h, 'create_contact', fields);
  const contactId = exactId(created.result.id, big);
  const preview = await ok(h, 'update_contact', { contactId, mobilePhone: '+16505550199', jobTitle: 'Buyer', dryRun: true });
  answer.updatePreview = preview.preview.changes;
  expect(preview.argv.slice(-6)).toEqual([
    // RingCentral's path on the learned base: under a base that ends in /restapi/v1.0, the rest of it.
    `${base ? '' : '/restapi/v1.0'}/account/~/extension/~/address-book/contact/${contactId}`,
    '-X',
    'PATCH',
    '-d',
    '{"jobTitle":"Buyer","mobilePhone":"+16505550199"}',
    '--json',
  ]);
  const updated = await ok(h, 'update_contact', { contactId, mobilePhone: '+16505550199', jobTitle: 'Buyer' });
  const { id: _id, uri: _uri, ...after } = (await ok(h, 'get_contact', { contactId })).record;
  expect(after).toMatchObject({ ...fields, mobilePhone: '+16505550199', jobTitle: 'Buyer' });
  answer.contactAfterUpdate = after;
  expect(updated.result.email).toBe(fields.email);
  // One address part: the parts not named stay (RingCentral's PATCH replaces an object field whole).
  const moved = await ok(h, 'update_contact', { contactId, businessAddress: { city: 'Bergen' }, dryRun: true });
  expect(moved.preview.changes).toEqual({ 'businessAddress.city': 'Oslo -> Bergen' });
  await ok(h, 'update_contact', { contactId, businessAddress: { city: 'Bergen' } });
  answer.addressAfterUpdate = (await ok(h, 'get_contact', { contactId })).record.businessAddress;
  expect(answer.addressAfterUpdate).toEqual({ city: 'Bergen', country: 'NO' });
  expect((await ok(h, 'delete_contact', { contactId })).status).toBe('done');

  const calls = await ok(h, 'get_call_log', { direction: 'Inbound', type: 'Voice', dateFrom: SINCE, limit: 5 });
  expect(calls.count).toBe(5);
  expect(calls.records.every((r: Obj) => r.direction === 'Inbound' && r.type === 'Voice')).toBe(true);
  answer.calls = withoutIds(calls.records);
  const byNumber = await ok(h, 'get_call_log', { phoneNumber: '+13035550163', dateFrom: SINCE, limit: 5 });
  expect(byNumber.count).toBeGreaterThan(0);
  expect(byNumber.records.every((r: Obj) => `${r.from} ${r.to}`.includes('+13035550163'))).toBe(true);
  answer.callsByNumber = withoutIds(byNumber.records);
  const active = await ok(h, 'get_active_calls', { direction: 'Inbound' });
  expect(active.records.every((r: Obj) => r.direction === 'Inbound' && r.result === 'In Progress')).toBe(true);
  answer.active = withoutIds(active.records);

  const teams1 = await ok(h, 'list_chats', { type: 'Team', limit: 2 });
  const teams2 = await ok(h, 'list_chats', { type: 'Team', limit: 2, cursor: teams1.nextCursor });
  const teams = [...teams1.records, ...teams2.records];
  expect(teams.length).toBe(4);
  expect(teams.every((r: Obj) => r.type === 'Team')).toBe(true);
  answer.teams = teams;
  // The chat named by its team name: resolved through list_chats' route, every page.
  const post = await ok(h, 'create_chat_post', { chatId: 'Sales Wins', text: 'Variant post' });
  answer.post = { text: post.result.text, chat: post.result.groupId };

  const team = await ok(h, 'create_team', {
    name: 'Variant Team',
    members: ['quinn.morgan@example.com'],
    public: true,
    description: 'checks',
  });
  answer.team = { name: team.result.name, type: team.result.type, public: team.result.public, description: team.result.description };

  // Warm: the route is decided, the sender known; one tool call is one CLI process on either route.
  const before = h.sandbox.spawns();
  answer.account = (({ mainNumber, status }) => ({ mainNumber, status }))((await ok(h, 'get_account_info')).record);
  expect(h.sandbox.spawns() - before).toBe(1);

  const meeting = await ok(h, 'create_meeting', { name: 'Variant sync', password: 's3cret', waitingRoom: true });
  answer.meeting = {
    name: meeting.result.name,
    type: meeting.result.type,
    protected: meeting.result.security.passwordProtected,
    waitingRoom: meeting.result.preferences.join.waitingRoomRequired,
  };
  expect((await ok(h, 'get_meeting', { meetingId: meeting.result.id })).record.name).toBe('Variant sync');
  expect((await ok(h, 'delete_meeting', { meetingId: meeting.result.id })).status).toBe('done');
  return answer;
}

let baseline: Obj;

beforeAll(async () => {
  const h = await start({ name: 'default' });
  try {
    const status = await ok(h, 'status');
    expect(status.routes.filter((r: Obj) => r.route === 'action').map((r: Obj) => r.tool)).toEqual(DEFAULT_ACTIONS);
    baseline = await scenario(h, false);
  } finally {
    await h.close();
  }
}, 240_000);

describe('the default sandbox (--route auto)', () => {
  it('gives the right answers', () => {
    expect(baseline.sms).toEqual({
      type: 'SMS',
      direction: 'Outbound',
      text: SMS_TEXT,
      from: baseline.sms.from,
      to: ['+14155550177', '+14155550178'],
    });
    expect(baseline.sms.from).toMatch(/^\+1\d{10}$/);
    expect(baseline.deletedAvailability).toBe('Deleted');
    expect(baseline.restored).toBe('Alive');
    expect(baseline.marked).toMatch(/^(Read|Unread)$/);
    expect(baseline.personalRoom).toMatchObject({ type: 'PMI', joinUrl: expect.stringMatching(/^https:\/\//) });
    expect(baseline.meetings.every((m: Obj) => /^iad41-/.test(m.bridgeId) && m.start && m.host && m.participants > 0)).toBe(true);
    expect(baseline.lastWeek.every((m: Obj) => m.start >= '2026-02-22T08:00:00.000Z' && m.start <= '2026-03-01T07:59:59.999Z')).toBe(true);
    expect(baseline.updatePreview).toEqual({ mobilePhone: '+16505550112 -> +16505550199', jobTitle: '(empty) -> Buyer' });
    expect(baseline.contactAfterUpdate).toMatchObject({
      lastName: 'Quill',
      company: 'Quill & Co',
      businessPhone: '+16505550111',
      businessAddress: { city: 'Oslo', country: 'NO' },
    });
    expect(baseline.post).toEqual({ text: 'Variant post', chat: baseline.teams.find((t: Obj) => t.name === 'Sales Wins')?.id });
    expect(baseline.people).toEqual({
      sato: [
        {
          kind: 'contact',
          name: 'Quinn Sato',
          company: 'Summit Outfitters',
          email: 'quinn.sato@example.com',
          numbers: { '+14045550134': 'mobile', '+14085550186': 'business', '+16505550143': 'home' },
        },
      ],
      holm: ['colleague Skyler Holm', 'colleague Quinn Holm', 'contact Jamie Holm', 'contact Noor Holm'],
      byNumber: [
        { kind: 'colleague', name: 'Quinn Holm', ext: '117', email: 'quinn.holm@example.com', numbers: { '+14045550163': 'direct, SMS' } },
      ],
    });
    expect(baseline.smsByName).toEqual(['+14045550134']);
    expect(baseline.directPost).toEqual(['Variant hello', 'Variant again']);
    expect(baseline.meeting).toEqual({ name: 'Variant sync', type: 'Instant', protected: true, waitingRoom: 'Everybody' });
    expect(baseline.dayWindow).toEqual({ from: '2026-01-01T00:00:00-08:00', to: 'now', timeZone: "US/Pacific (the account's time zone)" });
    expect(baseline.lastDay).toEqual({
      count: 0,
      window: { from: "the last 24 hours (RingCentral's default when dateFrom is not given)", to: 'now' },
      hint: 'nothing in this window: pass dateFrom (a date such as 2026-01-01) to look further back',
    });
  });
});

it('forced onto an action that refuses what the tool sends: the error names --route rest', async () => {
  const h = await start({ name: 'scalar-filters, --route action', variant: 'scalar-filters', route: 'action' });
  try {
    const result = await h.call('ringcentral_list_messages', { messageType: 'VoiceMail' });
    expect(result.isError).toBe(true);
    expect(h.text(result)).toMatch(/^membrane_error: .*messageType must be string \(got array\)/);
    expect(h.text(result)).toMatch(
      /\nFix: .*; or use RingCentral's REST API instead of this action: restart the server with --route rest\n/,
    );
  } finally {
    await h.close();
  }
});

// Each configuration has a server and sandbox of its own, so they run side by side.
describe.concurrent.each(CONFIGS)('$name', (config) => {
  it("lists each tool's route with its reason, and every tool gives the same right answer as the default sandbox", async () => {
    const h = await start(config);
    try {
      const status = await ok(h, 'status');
      expect(status.routeMode).toBe(config.route ?? 'auto');
      const routes: Obj[] = status.routes;
      expect(routes.map((r) => r.tool)).toEqual(ROUTED_TOOLS.map((d) => shortName(d.name)));
      expect(routes.filter((r) => r.route === 'action').map((r) => r.tool)).toEqual(config.onAction);
      expect(routes.filter((r) => r.route === 'per call').map((r) => r.tool)).toEqual(config.perCall ?? []);
      expect(status.rest).toEqual({ base: config.base ?? 'https://platform.sandbox.invalid/', works: true, timeZone: 'US/Pacific' });
      expect(routes.find((r) => r.tool === 'update_contact')?.route).toBe('rest');
      for (const r of routes) expect(r.reason).toMatch(/\S/);
      if (config.variant === 'renamed-inputs') {
        expect(routes.find((r) => r.tool === 'send_sms')?.reason).toBe(
          'action send-sms does not declare from.phoneNumber, to[].phoneNumber, text',
        );
      }
      if (config.variant === 'no-schemas') {
        expect(routes.find((r) => r.tool === 'list_messages')?.reason).toBe(
          'action list-messages lists no input schema, so what it accepts cannot be checked',
        );
      }
      expect(await scenario(h, config.variant?.includes('big-ids') === true, config.base)).toEqual(baseline);
      // Only RingCentral's host, every path on the learned base, and every query value as sent.
      const log = requests(h);
      expect(log.every((r) => r.host === 'platform.sandbox.invalid')).toBe(true);
      expect(log.filter((r) => r.status === 404 || r.status === null).map((r) => r.path)).toEqual(
        config.base ? ['/restapi/v1.0/restapi/v1.0/account/~/extension/~'] : [],
      );
      if (config.route === 'rest') expect(log.some((r) => r.query.includes('phoneNumber=%2B14155550177'))).toBe(true);
    } finally {
      await h.close();
    }
  }, 240_000);
});
