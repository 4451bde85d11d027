/**
 * tools/*.ts + src/membrane/routing.ts: every RingCentral tool's REST call exactly as RingCentral's API
 * defines it, and how `--route auto` decides, per call, from an action's live input schema.
 */
import { describe, expect, it } from 'vitest';
import { CallContext, type CallContextParts } from '../../src/membrane/call-context.js';
import { LookupCache } from '../../src/membrane/call-context.js';
import type { Membrane } from '../../src/membrane/membrane.js';
import { callRoute, checkSchema, Routes, sentPaths, toolRoute } from '../../src/membrane/routing.js';
import { registry, type ToolDefinition } from '../../tools/index.js';
import type { JsonObject, RestCall, ToolContext } from '../../tools/contract.js';
import { ROUTED_TOOLS } from '../registry.js';

const byName = (name: string): ToolDefinition => {
  const def = registry.find((d) => d.name === `ringcentral_${name}`);
  if (!def) throw new Error(`no tool ${name}`);
  return def;
};
/** Only the account's time zone (learned with the REST base), for date-only dates. */
const noContext = { limits: {}, region: async () => ({ timeZone: 'Europe/Oslo' }) } as unknown as ToolContext;

/** The REST calls the context's Membrane was asked for, in order. */
const lookups: RestCall[] = [];
/**
 * What send_sms needs besides the input: the shared look-up cache, and a Membrane answering the
 * person's phone numbers (one can send SMS, one cannot).
 */
const smsContext = (): ToolContext =>
  new CallContext({
    cache: new LookupCache(),
    limits: {},
    penalties: { check: async () => undefined, note: async () => undefined },
    membrane: {
      request: async (spec: RestCall) => {
        lookups.push(spec);
        return {
          records: [
            { phoneNumber: '+16505550199', features: ['CallerId'] },
            { phoneNumber: '+16505550101', features: ['SmsSender', 'CallerId'] },
          ],
        };
      },
    } as unknown as Membrane,
  } as unknown as CallContextParts);
/** What create_chat_post looks up to tell a chat id from a colleague's: your chats (one of them 1234567) and no one else. */
const chatContext = (): ToolContext =>
  new CallContext({
    cache: new LookupCache(),
    limits: {},
    routes: { mode: 'rest' },
    penalties: { check: async () => undefined, note: async () => undefined },
    membrane: {
      request: async (spec: RestCall) =>
        spec.path === '/team-messaging/v1/chats' ? { records: [{ id: '1234567', type: 'Team', name: 'Ops' }] } : { records: [] },
    } as unknown as Membrane,
  } as unknown as CallContextParts);
const EXT = '/restapi/v1.0/account/~/extension/~';
const BIG = '8263573593189910683';

async function restCall(name: string, input: JsonObject): Promise<RestCall> {
  const exec = byName(name).exec;
  if (exec.via !== 'either' && exec.via !== 'rest') throw new Error(`${name} has no REST route`);
  return exec.rest.call(input, name === 'send_sms' ? smsContext() : name === 'create_chat_post' ? chatContext() : noContext);
}

describe("each tool's RingCentral REST call", () => {
  const cases: Array<[string, JsonObject, RestCall]> = [
    [
      'list_extensions',
      { type: 'Department', status: 'Enabled', extensionNumber: '101', email: 'a@b.co' },
      {
        method: 'GET',
        path: '/restapi/v1.0/account/~/extension',
        query: [
          ['type', 'Department'],
          ['status', 'Enabled'],
          ['extensionNumber', '101'],
          ['email', 'a@b.co'],
        ],
      },
    ],
    ['get_extension_info', {}, { method: 'GET', path: EXT }],
    ['get_extension_info', { extensionId: '62' }, { method: 'GET', path: '/restapi/v1.0/account/~/extension/62' }],
    ['get_account_info', {}, { method: 'GET', path: '/restapi/v1.0/account/~' }],
    [
      'list_messages',
      {
        messageType: 'VoiceMail',
        direction: 'Inbound',
        readStatus: 'Unread',
        dateFrom: '2026-01-01',
        dateTo: '2026-02-01',
        phoneNumber: '+16505550123',
      },
      {
        method: 'GET',
        path: `${EXT}/message-store`,
        query: [
          ['messageType', 'VoiceMail'],
          ['direction', 'Inbound'],
          ['readStatus', 'Unread'],
          ['dateFrom', '2026-01-01T00:00:00+01:00'],
          ['dateTo', '2026-02-01T23:59:59+01:00'],
          ['phoneNumber', '+16505550123'],
        ],
      },
    ],
    ['get_message', { messageId: BIG }, { method: 'GET', path: `${EXT}/message-store/${BIG}` }],
    [
      'send_sms',
      { from: '+16505550101', to: ['+16505550123', '+14155550100'], text: 'Hi' },
      {
        method: 'POST',
        path: `${EXT}/sms`,
        body: { from: { phoneNumber: '+16505550101' }, to: [{ phoneNumber: '+16505550123' }, { phoneNumber: '+14155550100' }], text: 'Hi' },
      },
    ],
    [
      'delete_message',
      { messageId: BIG, purge: true },
      { method: 'DELETE', path: `${EXT}/message-store/${BIG}`, query: [['purge', 'true']] },
    ],
    [
      'list_contacts',
      { startsWith: 'An', phoneNumber: '+16505550123', sortBy: 'LastName' },
      {
        method: 'GET',
        path: `${EXT}/address-book/contact`,
        query: [
          ['startsWith', 'An'],
          ['phoneNumber', '+16505550123'],
          ['sortBy', 'LastName'],
        ],
      },
    ],
    ['get_contact', { contactId: BIG }, { method: 'GET', path: `${EXT}/address-book/contact/${BIG}` }],
    [
      'create_contact',
      { firstName: 'Ann', mobilePhone: '+16505550123', businessAddress: { city: 'Oslo' } },
      {
        method: 'POST',
        path: `${EXT}/address-book/contact`,
        body: { firstName: 'Ann', mobilePhone: '+16505550123', businessAddress: { city: 'Oslo' } },
      },
    ],
    [
      'update_contact',
      { contactId: BIG, mobilePhone: '+16505550123' },
      { method: 'PATCH', path: `${EXT}/address-book/contact/${BIG}`, body: { mobilePhone: '+16505550123' } },
    ],
    ['delete_contact', { contactId: BIG }, { method: 'DELETE', path: `${EXT}/address-book/contact/${BIG}` }],
    [
      'get_call_log',
      { dateFrom: '2026-01-01', direction: 'Inbound', type: 'Voice', phoneNumber: '+16505550123', detailed: true },
      {
        method: 'GET',
        path: `${EXT}/call-log`,
        query: [
          ['dateFrom', '2026-01-01T00:00:00+01:00'],
          ['phoneNumber', '16505550123'],
          ['view', 'Detailed'],
          ['direction', 'Inbound'],
          ['type', 'Voice'],
        ],
      },
    ],
    ['get_active_calls', { direction: 'Outbound' }, { method: 'GET', path: `${EXT}/active-calls`, query: [['direction', 'Outbound']] }],
    ['list_chats', { type: 'Team' }, { method: 'GET', path: '/team-messaging/v1/chats', query: [['type', 'Team']] }],
    [
      'create_chat_post',
      { chatId: '1234567', text: 'Hello' },
      { method: 'POST', path: '/team-messaging/v1/chats/1234567/posts', body: { text: 'Hello' } },
    ],
    [
      'create_team',
      { name: 'Ops', members: ['a@b.co', '62'], public: true },
      {
        method: 'POST',
        path: '/team-messaging/v1/teams',
        body: { name: 'Ops', public: true, members: [{ email: 'a@b.co' }, { id: '62' }] },
      },
    ],
    ['get_meeting', { meetingId: 'iad41-c04' }, { method: 'GET', path: '/rcvideo/v2/bridges/iad41-c04' }],
    [
      'create_meeting',
      { name: 'Standup', password: 'pw', waitingRoom: true },
      {
        method: 'POST',
        path: `/rcvideo/v2/account/~/extension/~/bridges`,
        body: {
          name: 'Standup',
          security: { passwordProtected: true, password: 'pw' },
          preferences: { join: { waitingRoomRequired: 'Everybody' } },
        },
      },
    ],
    ['delete_meeting', { meetingId: 'iad41-c04' }, { method: 'DELETE', path: '/rcvideo/v2/bridges/iad41-c04' }],
    ['list_meetings', { name: 'sync' }, { method: 'GET', path: '/rcvideo/v1/history/meetings', query: [['text', 'sync']] }],
    ['update_message', { messageId: '42', read: true }, { method: 'PATCH', path: `${EXT}/message-store/42`, body: { readStatus: 'Read' } }],
  ];

  it.each(cases)('%s %j', async (name, input, expected) => {
    lookups.length = 0;
    expect(await restCall(name, input)).toEqual(expected);
    // Only send_sms looks something up: the person's numbers, to check `from` can send SMS.
    expect(lookups).toEqual(name === 'send_sms' ? [{ method: 'GET', path: `${EXT}/phone-number`, query: [['perPage', '1000']] }] : []);
  });

  it('send_sms from a number without the SmsSender feature is refused before any REST call is built', async () => {
    await expect(restCall('send_sms', { from: '+16505550199', to: ['+16505550123'], text: 'Hi' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^from: \+16505550199 cannot send SMS/),
    });
  });

  it('send_sms without from sends from the first SMS number', async () => {
    expect((await restCall('send_sms', { to: ['+16505550123'], text: 'Hi' })).body).toEqual({
      from: { phoneNumber: '+16505550101' },
      to: [{ phoneNumber: '+16505550123' }],
      text: 'Hi',
    });
  });

  it('covers every RingCentral tool (each either or REST tool of the registry)', () => {
    const covered = new Set(cases.map(([name]) => `ringcentral_${name}`));
    const routed = ROUTED_TOOLS.map((d) => d.name);
    expect(routed.length).toBeGreaterThan(0);
    expect([...covered].sort()).toEqual([...routed].sort());
  });
});

describe('checkSchema', () => {
  const sms = {
    type: 'object',
    properties: {
      from: { type: 'object', properties: { phoneNumber: { type: 'string' } }, required: ['phoneNumber'] },
      to: { type: 'array', items: { type: 'object', properties: { phoneNumber: { type: 'string' } }, required: ['phoneNumber'] } },
      text: { type: 'string' },
    },
    required: ['from', 'to', 'text'],
  };
  const sends = ['from.phoneNumber', 'to[].phoneNumber', 'text'];

  it('accepts a schema that declares every path and requires nothing more', () => {
    expect(checkSchema(sms, sends)).toEqual({ undeclared: [], unsupplied: [] });
  });

  it('names every property the schema does not declare, nested ones by path', () => {
    const renamed = {
      type: 'object',
      properties: { fromNumber: { type: 'string' }, toNumbers: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } },
      required: ['fromNumber', 'toNumbers', 'message'],
    };
    expect(checkSchema(renamed, sends)).toEqual({
      undeclared: ['from.phoneNumber', 'to[].phoneNumber', 'text'],
      unsupplied: ['fromNumber', 'toNumbers', 'message'],
    });
    const openFrom = { ...sms, properties: { ...sms.properties, from: { type: 'object' } } };
    expect(checkSchema(openFrom, sends).undeclared).toEqual(['from.phoneNumber']);
  });

  it('names what the schema requires that the tool never sends, nested too', () => {
    const withCountry = {
      ...sms,
      required: ['from', 'to', 'text', 'country'],
      properties: {
        ...sms.properties,
        to: {
          type: 'array',
          items: {
            type: 'object',
            properties: { phoneNumber: { type: 'string' }, name: { type: 'string' } },
            required: ['phoneNumber', 'name'],
          },
        },
      },
    };
    expect(checkSchema(withCountry, sends)).toEqual({ undeclared: [], unsupplied: ['country', 'to[].name'] });
  });

  it('a property declared in one anyOf alternative is declared', () => {
    const team = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        members: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
              { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
            ],
          },
        },
      },
      required: ['name'],
    };
    expect(checkSchema(team, ['name', 'members[].id', 'members[].email'])).toEqual({ undeclared: [], unsupplied: [] });
  });
});

describe('routes per call (auto)', () => {
  const listMessages = byName('list_messages');
  const action = listMessages.exec.via === 'either' ? listMessages.exec.action : undefined;
  if (!action) throw new Error('list_messages has no action');
  // Everything the tool can send, and the page: an action schema that declares it all.
  const declared = [...action.sends, 'page', 'perPage'];
  const schema = (names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
  const info = (names: string[]) => ({ id: 'a1', key: 'list-messages', inputSchema: schema(names) });

  it('the paths one action input carries, nested objects and lists of objects by path', () => {
    expect(sentPaths({ text: 'hi', from: { phoneNumber: '+1' }, to: [{ phoneNumber: '+2' }], type: ['SMS'], none: undefined })).toEqual([
      'text',
      'from.phoneNumber',
      'to[].phoneNumber',
      'type',
    ]);
  });

  it('takes the action when its schema declares every property this call sends, though not all the tool could', () => {
    const some = info(['messageType', 'page', 'perPage']);
    expect(callRoute('list-messages', some, { messageType: 'SMS', page: '1', perPage: '25' })).toEqual({
      route: 'action',
      reason: 'action list-messages declares every property the call sends',
    });
    expect(callRoute('list-messages', some, { messageType: 'SMS', dateFrom: 'x', page: '1', perPage: '25' })).toEqual({
      route: 'rest',
      reason: 'action list-messages does not declare dateFrom',
    });
  });

  it('takes REST when a value has another type than the schema declares', () => {
    expect(callRoute('list-messages', info(declared), { messageType: ['SMS'] })).toEqual({
      route: 'rest',
      reason: 'action list-messages takes another type for messageType',
    });
  });

  it('takes REST without a schema, without the action, or when the schema requires what the call does not send', () => {
    expect(callRoute('list-messages', { id: 'a1', key: 'list-messages' }, {})).toEqual({
      route: 'rest',
      reason: 'action list-messages lists no input schema, so what it accepts cannot be checked',
    });
    expect(callRoute('list-messages', undefined, {})).toEqual({ route: 'rest', reason: 'the connection has no action list-messages' });
    expect(callRoute('list-messages', { ...info(declared), inputSchema: { ...schema(declared), required: ['mailbox'] } }, {})).toEqual({
      route: 'rest',
      reason: 'action list-messages requires mailbox, which the call does not send',
    });
  });

  it("status: the tool's route is action, per call, or rest", () => {
    expect(toolRoute(listMessages, action, info(declared))).toEqual({
      route: 'action',
      reason: 'action list-messages declares every property the tool sends',
    });
    // Filters and the "~" default are optional: a call without them takes the action.
    expect(toolRoute(listMessages, action, info(['messageType', 'page', 'perPage']))).toEqual({
      route: 'per call',
      reason:
        'action list-messages does not declare extensionId, direction, readStatus, availability, dateFrom, dateTo, phoneNumber, conversationId: a call that sends one takes REST, others the action',
    });
    // Paging goes with every call.
    expect(toolRoute(listMessages, action, info(declared.filter((n) => n !== 'perPage')))).toEqual({
      route: 'rest',
      reason: 'action list-messages does not declare perPage',
    });
  });
});

describe('rate-limit groups of actions named by the caller (run_action)', () => {
  const routes = new Routes({} as Membrane, 'auto', registry);
  it("each tool's action counts in its REST endpoint's group, from the registry", () => {
    for (const def of registry)
      if (def.exec.via === 'either') expect(routes.groupOfAction(def.exec.action.key), def.name).toBe(def.exec.rest.group);
    expect(routes.groupOfAction('list-contacts')).toBe('Heavy');
    expect(routes.groupOfAction('get-message')).toBe('Light');
    expect(routes.groupOfAction('send-sms')).toBe('Medium');
    expect(routes.groupOfAction('get-call-log')).toBe('Heavy');
  });
  it('an action no tool runs counts as other', () => {
    expect(routes.groupOfAction('forward-calls')).toBe('other');
  });
});
