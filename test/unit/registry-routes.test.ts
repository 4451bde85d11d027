/**
 * tools/*.ts, how each tool reaches RingCentral: its endpoint's rate-limit group, and the exact
 * action input and REST call for a given input (its action key and the properties it sends are in
 * its snapshot file).
 */
import { describe, expect, it } from 'vitest';
import { checkStatus } from '../../src/membrane/status.js';
import type { Exec, JsonObject } from '../../tools/contract.js';
import { registry } from '../../tools/index.js';
import { Printed, scriptedContext, toolNamed } from './scripted-cli.js';

type Either = Extract<Exec<JsonObject>, { via: 'either' }>;
const either = (name: string): Either => {
  const exec = toolNamed(name).exec;
  if (exec.via !== 'either') throw new Error(`${name} is not an either tool`);
  return exec;
};
const SENDERS = {
  'GET /restapi/v1.0/account/~/extension/~/phone-number': {
    records: [
      { phoneNumber: '+16505550100', features: ['CallerId'] },
      { phoneNumber: '+16505550101', features: ['SmsSender', 'CallerId'] },
      { phoneNumber: '+16505550102', features: ['SmsSender'] },
      { features: ['SmsSender'] },
    ],
  },
};
const { ctx } = scriptedContext({ rest: SENDERS });
const actionInput = (name: string, input: JsonObject) => either(name).action.input(input, ctx);
const restCall = (name: string, input: JsonObject) => {
  const exec = toolNamed(name).exec;
  if (exec.via !== 'either' && exec.via !== 'rest') throw new Error(`${name} has no REST route`);
  return exec.rest.call(input, ctx);
};

// Each tool's kind, route, action (and the properties it sends), rate-limit group and paging are
// pinned in its snapshot file
// (test/server/__snapshots__/tools/<name>.json, checked in test/unit/registry-listing.test.ts).
describe('rate-limit groups', () => {
  it('every endpoint counts in its RingCentral group, whichever route reaches it', () => {
    for (const d of registry)
      if (d.exec.via === 'either') expect(ctx.routes.groupOfAction(d.exec.action.key), d.name).toBe(d.exec.rest.group);
    expect(ctx.routes.groupOfAction('get-call-log')).toBe('Heavy');
    expect(ctx.routes.groupOfAction('list-calendars')).toBe('other');
  });

  it('the other tools: the proxy, custom runs and any action', () => {
    expect(
      Object.fromEntries(registry.filter((d) => !['either', 'rest'].includes(d.exec.via)).map((d) => [d.name, d.exec.via])),
    ).toStrictEqual({
      ringcentral_status: 'custom',
      ringcentral_find_people: 'custom',
      ringcentral_api_request: 'request',
      ringcentral_find_actions: 'custom',
      ringcentral_run_action: 'action',
    });
  });
});

describe('account', () => {
  it('list_extensions: filters as lists on the action, repeated query keys on REST', async () => {
    const input = { type: 'User', status: 'Enabled', extensionNumber: '101', email: 'ann@example.com' };
    expect(await actionInput('ringcentral_list_extensions', input)).toStrictEqual({
      type: ['User'],
      status: ['Enabled'],
      extensionNumber: '101',
      email: 'ann@example.com',
    });
    expect(await restCall('ringcentral_list_extensions', input)).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension',
      query: [
        ['type', 'User'],
        ['status', 'Enabled'],
        ['extensionNumber', '101'],
        ['email', 'ann@example.com'],
      ],
    });
    expect(await actionInput('ringcentral_list_extensions', {})).toStrictEqual({});
    expect(await restCall('ringcentral_list_extensions', {})).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension',
      query: [],
    });
  });

  it('get_extension_info and get_account_info: you by default', async () => {
    // "~" is a default: sent only to an action whose live schema declares extensionId.
    expect(await actionInput('ringcentral_get_extension_info', {})).toStrictEqual({});
    expect(either('ringcentral_get_extension_info').action.defaults).toStrictEqual({ extensionId: '~' });
    expect(await actionInput('ringcentral_get_extension_info', { extensionId: '62' })).toStrictEqual({ extensionId: '62' });
    expect(await restCall('ringcentral_get_extension_info', {})).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~',
    });
    expect(await restCall('ringcentral_get_extension_info', { extensionId: '62' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/62',
    });
    expect(await actionInput('ringcentral_get_account_info', {})).toStrictEqual({});
    expect(await restCall('ringcentral_get_account_info', {})).toStrictEqual({ method: 'GET', path: '/restapi/v1.0/account/~' });
  });
});

describe('status', () => {
  it("is the connection check's report, as it is", async () => {
    const { ctx } = scriptedContext({
      rest: { 'GET /restapi/v1.0/account/~/extension/~': { id: 1, name: 'Ann', extensionNumber: '101' } },
    });
    const status = toolNamed('ringcentral_status').exec;
    const report = status.via === 'custom' ? await status.run({}, ctx) : undefined;
    expect(report).toStrictEqual({ ...(await checkStatus(ctx.membrane, undefined, {}, ctx.routes)) });
    expect(report).toMatchObject({ cli: { command: 'membrane', found: true, working: true, version: 'membrane 9.9.9' }, loggedIn: true });
  });
});

describe('status: REST', () => {
  const agw = new Printed('{"errorCode":"AGW-404","message":"Resource not found"}', 1, 'HTTP 404 AGW-404: Resource not found\n');

  it('the base learned and a REST call that works: ready', async () => {
    const { ctx } = scriptedContext({});
    const report = await checkStatus(ctx.membrane, undefined, {}, ctx.routes);
    expect(report.rest).toStrictEqual({ base: 'https://platform.example.invalid/', works: true, timeZone: 'US/Pacific' });
    expect(report.ready).toBe(true);
  });

  it('no base answers, or REST answers nothing: ready false, with the problem and a fix', async () => {
    for (const answer of [agw, new Printed('')]) {
      const { ctx } = scriptedContext({ rest: { 'GET /restapi/v1.0/account/~/extension/~': answer, 'GET /account/~/extension/~': agw } });
      const report = await checkStatus(ctx.membrane, undefined, {}, ctx.routes);
      expect(report.ready).toBe(false);
      expect(report.rest).toStrictEqual({ works: false });
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0].problem).toMatch(/^RingCentral's REST API does not work through membrane request/);
      expect(report.problems[0].fix).toMatch(/base URL in Membrane|membrane request/);
    }
  });
});

describe('messages', () => {
  const filters = {
    messageType: 'SMS',
    direction: 'Inbound',
    readStatus: 'Unread',
    dateFrom: '2026-01-01',
    dateTo: '2026-01-31T00:00:00Z',
    phoneNumber: '+16505550123',
  };

  it('list_messages: your mailbox by default, filters on both routes', async () => {
    // A date-only dateFrom is that day's start in the account's time zone (US/Pacific in the script).
    expect(await actionInput('ringcentral_list_messages', filters)).toStrictEqual({
      messageType: ['SMS'],
      direction: ['Inbound'],
      readStatus: ['Unread'],
      dateFrom: '2026-01-01T00:00:00-08:00',
      dateTo: '2026-01-31T00:00:00Z',
      phoneNumber: '+16505550123',
    });
    expect(await restCall('ringcentral_list_messages', { ...filters, extensionId: '62' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/62/message-store',
      query: [
        ['messageType', 'SMS'],
        ['direction', 'Inbound'],
        ['readStatus', 'Unread'],
        ['dateFrom', '2026-01-01T00:00:00-08:00'],
        ['dateTo', '2026-01-31T00:00:00Z'],
        ['phoneNumber', '+16505550123'],
      ],
    });
    expect(await actionInput('ringcentral_list_messages', { extensionId: '62' })).toStrictEqual({ extensionId: '62' });
  });

  it('list_messages: one conversation, and deleted (restorable) messages, on both routes', async () => {
    expect(await actionInput('ringcentral_list_messages', { conversationId: '8234962969801171948', deleted: true })).toStrictEqual({
      availability: ['Deleted'],
      conversationId: '8234962969801171948',
    });
    expect(await restCall('ringcentral_list_messages', { conversationId: '8234962969801171948', deleted: false })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/message-store',
      query: [['conversationId', '8234962969801171948']],
    });
  });

  it("update_message: RingCentral's patchMessage with only what was asked (restore is availability Alive)", async () => {
    expect(await restCall('ringcentral_update_message', { messageId: '123', read: true })).toStrictEqual({
      method: 'PATCH',
      path: '/restapi/v1.0/account/~/extension/~/message-store/123',
      body: { readStatus: 'Read' },
    });
    expect(await restCall('ringcentral_update_message', { messageId: '123', restore: true, read: false })).toStrictEqual({
      method: 'PATCH',
      path: '/restapi/v1.0/account/~/extension/~/message-store/123',
      body: { readStatus: 'Unread', availability: 'Alive' },
    });
    const validate = toolNamed('ringcentral_update_message').validate!;
    expect(validate({ messageId: '123' })).toBe('give read (true or false), or restore: true, or both');
    expect(validate({ messageId: '123', restore: false })).toBe('give read (true or false), or restore: true, or both');
    expect(validate({ messageId: '123', restore: true })).toBeUndefined();
  });

  it('get_message and delete_message: the message under its mailbox; purge only when asked', async () => {
    expect(await actionInput('ringcentral_get_message', { messageId: '123' })).toStrictEqual({ messageId: '123' });
    expect(either('ringcentral_get_message').action.defaults).toStrictEqual({ extensionId: '~' });
    expect(either('ringcentral_delete_message').action.defaults).toStrictEqual({ extensionId: '~' });
    expect(await actionInput('ringcentral_get_message', { messageId: '123', extensionId: '62' })).toStrictEqual({
      extensionId: '62',
      messageId: '123',
    });
    expect(await restCall('ringcentral_get_message', { messageId: '123' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/message-store/123',
    });
    expect(await actionInput('ringcentral_delete_message', { messageId: '123' })).toStrictEqual({ messageId: '123' });
    expect(await actionInput('ringcentral_delete_message', { messageId: '123', purge: true, extensionId: '62' })).toStrictEqual({
      messageId: '123',
      purge: true,
      extensionId: '62',
    });
    expect(await restCall('ringcentral_delete_message', { messageId: '123', purge: true, extensionId: '62' })).toStrictEqual({
      method: 'DELETE',
      path: '/restapi/v1.0/account/~/extension/62/message-store/123',
      query: [['purge', 'true']],
    });
    expect(await restCall('ringcentral_delete_message', { messageId: '123' })).toStrictEqual({
      method: 'DELETE',
      path: '/restapi/v1.0/account/~/extension/~/message-store/123',
      query: [],
    });
  });

  it("send_sms: RingCentral's body on both routes, from your first SMS number unless given", async () => {
    const body = {
      from: { phoneNumber: '+16505550101' },
      to: [{ phoneNumber: '+16505550123' }, { phoneNumber: '+16505550124' }],
      text: 'hi',
    };
    const input = { to: ['+16505550123', '+16505550124'], text: 'hi' };
    expect(await actionInput('ringcentral_send_sms', input)).toStrictEqual(body);
    expect(await restCall('ringcentral_send_sms', input)).toStrictEqual({
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/sms',
      body,
    });
    expect(await actionInput('ringcentral_send_sms', { ...input, from: '+16505550102' })).toStrictEqual({
      ...body,
      from: { phoneNumber: '+16505550102' },
    });
  });
});

describe('contacts', () => {
  const fields = {
    firstName: 'Ann',
    lastName: 'Lee',
    company: 'Acme',
    jobTitle: 'CTO',
    email: 'ann@example.com',
    mobilePhone: '+16505550100',
    businessPhone: '+16505550101',
    homePhone: '+16505550102',
    notes: 'met at the fair',
    businessAddress: { city: 'Oslo' },
  };
  const BOOK = '/restapi/v1.0/account/~/extension/~/address-book/contact';

  it('list_contacts: a prefix, a phone and a sort', async () => {
    const input = { startsWith: 'An', phoneNumber: '+16505550100', sortBy: 'LastName' };
    expect(await actionInput('ringcentral_list_contacts', input)).toStrictEqual({
      startsWith: 'An',
      phoneNumber: ['+16505550100'],
      sortBy: ['LastName'],
    });
    expect(await restCall('ringcentral_list_contacts', input)).toStrictEqual({
      method: 'GET',
      path: BOOK,
      query: [
        ['startsWith', 'An'],
        ['phoneNumber', '+16505550100'],
        ['sortBy', 'LastName'],
      ],
    });
    expect(await actionInput('ringcentral_list_contacts', {})).toStrictEqual({});
  });

  it('get, create, update and delete: the contact fields under their own names, nothing else', async () => {
    expect(await actionInput('ringcentral_get_contact', { contactId: '55' })).toStrictEqual({ contactId: '55' });
    expect(await restCall('ringcentral_get_contact', { contactId: '55' })).toStrictEqual({ method: 'GET', path: `${BOOK}/55` });
    expect(await actionInput('ringcentral_create_contact', { ...fields, dryRun: true, other: 1 })).toStrictEqual(fields);
    expect(await restCall('ringcentral_create_contact', { firstName: 'Ann', lastName: '' })).toStrictEqual({
      method: 'POST',
      path: BOOK,
      body: { firstName: 'Ann' },
    });
    expect(await restCall('ringcentral_update_contact', { contactId: '55', notes: 'x', confirmationToken: 't' })).toStrictEqual({
      method: 'PATCH',
      path: `${BOOK}/55`,
      body: { notes: 'x' },
    });
    // RingCentral's PATCH replaces businessAddress whole: the parts not named are read and sent unchanged.
    const current = { id: 55, businessAddress: { street: '1 Main St', city: 'Oslo', zip: '0150', country: 'NO' } };
    const read = scriptedContext({ rest: { [`GET ${BOOK}/55`]: current } });
    const exec = toolNamed('ringcentral_update_contact').exec;
    if (exec.via !== 'rest') throw new Error('update_contact takes REST');
    expect(await exec.rest.call({ contactId: '55', notes: 'x', businessAddress: { city: 'Bergen' } }, read.ctx)).toStrictEqual({
      method: 'PATCH',
      path: `${BOOK}/55`,
      body: { notes: 'x', businessAddress: { street: '1 Main St', city: 'Bergen', zip: '0150', country: 'NO' } },
    });
    // Read, then read again just before the write: another process's change in between is not overwritten.
    expect(read.argvs.map((argv) => argv.slice(0, 3).join(' '))).toEqual([`request conn-1 ${BOOK}/55`, `request conn-1 ${BOOK}/55`]);
    // An address the contact lacks, or holds as something other than parts, gives only the parts named.
    for (const businessAddress of [undefined, null, 'Oslo', ['1 Main St']]) {
      const other = scriptedContext({ rest: { [`GET ${BOOK}/55`]: { id: 55, firstName: 'Ann', businessAddress } } });
      expect(await exec.rest.call({ contactId: '55', businessAddress: { city: 'Bergen' } }, other.ctx)).toStrictEqual({
        method: 'PATCH',
        path: `${BOOK}/55`,
        body: { businessAddress: { city: 'Bergen' } },
      });
    }
    expect(await actionInput('ringcentral_delete_contact', { contactId: '55' })).toStrictEqual({ contactId: '55' });
    expect(await restCall('ringcentral_delete_contact', { contactId: '55' })).toStrictEqual({ method: 'DELETE', path: `${BOOK}/55` });
  });

  it('create and update need at least one field, and name them all', () => {
    const problem =
      'give at least one contact field (firstName, lastName, company, jobTitle, email, mobilePhone, businessPhone, homePhone, notes, businessAddress)';
    expect(toolNamed('ringcentral_create_contact').validate?.({})).toBe(problem);
    expect(toolNamed('ringcentral_create_contact').validate?.({ firstName: '' })).toBe(problem);
    expect(toolNamed('ringcentral_update_contact').validate?.({ contactId: '55' })).toBe(problem);
    expect(toolNamed('ringcentral_update_contact').validate?.({ contactId: '55', notes: 'x' })).toBeUndefined();
  });
});

describe('calls', () => {
  it('get_call_log: the number without +, Detailed view on request, on both routes', async () => {
    const input = {
      dateFrom: '2026-01-01',
      dateTo: '2026-01-02',
      direction: 'Outbound',
      type: 'Voice',
      phoneNumber: '+16505550123',
      detailed: true,
    };
    expect(await actionInput('ringcentral_get_call_log', input)).toStrictEqual({
      dateFrom: '2026-01-01T00:00:00-08:00',
      dateTo: '2026-01-02T23:59:59-08:00',
      phoneNumber: '16505550123',
      view: 'Detailed',
      direction: ['Outbound'],
      type: ['Voice'],
    });
    expect(await restCall('ringcentral_get_call_log', { ...input, extensionId: '62' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/62/call-log',
      query: [
        ['dateFrom', '2026-01-01T00:00:00-08:00'],
        ['dateTo', '2026-01-02T23:59:59-08:00'],
        ['phoneNumber', '16505550123'],
        ['view', 'Detailed'],
        ['direction', 'Outbound'],
        ['type', 'Voice'],
      ],
    });
    expect(await actionInput('ringcentral_get_call_log', {})).toStrictEqual({});
    expect(either('ringcentral_get_call_log').action.defaults).toStrictEqual({ extensionId: '~' });
    expect(await actionInput('ringcentral_get_call_log', { phoneNumber: '16505550123', detailed: false })).toStrictEqual({
      phoneNumber: '16505550123',
    });
  });

  it('get_active_calls: your extension by default', async () => {
    expect(either('ringcentral_get_active_calls').action.defaults).toStrictEqual({ extensionId: '~' });
    expect(await actionInput('ringcentral_get_active_calls', { direction: 'Inbound', type: 'Fax' })).toStrictEqual({
      direction: ['Inbound'],
      type: ['Fax'],
    });
    expect(await restCall('ringcentral_get_active_calls', { extensionId: '62' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/62/active-calls',
      query: [],
    });
    expect(await restCall('ringcentral_get_active_calls', { direction: 'Inbound', type: 'Fax' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/active-calls',
      query: [
        ['direction', 'Inbound'],
        ['type', 'Fax'],
      ],
    });
  });
});

describe('meetings', () => {
  it('get, create and delete a bridge; security and waiting room only when asked', async () => {
    expect(await actionInput('ringcentral_get_meeting', { meetingId: 'b-1' })).toStrictEqual({ meetingId: 'b-1' });
    expect(await restCall('ringcentral_get_meeting', { meetingId: 'b 1' })).toStrictEqual({
      method: 'GET',
      path: '/rcvideo/v2/bridges/b%201',
    });
    expect(
      await actionInput('ringcentral_create_meeting', { name: 'Standup', type: 'PMI', password: 'pw', waitingRoom: true }),
    ).toStrictEqual({
      name: 'Standup',
      type: 'PMI',
      security: { passwordProtected: true, password: 'pw' },
      preferences: { join: { waitingRoomRequired: 'Everybody' } },
    });
    expect(await restCall('ringcentral_create_meeting', { waitingRoom: false })).toStrictEqual({
      method: 'POST',
      path: '/rcvideo/v2/account/~/extension/~/bridges',
      body: { preferences: { join: { waitingRoomRequired: 'Nobody' } } },
    });
    expect(await actionInput('ringcentral_create_meeting', {})).toStrictEqual({});
    expect(await actionInput('ringcentral_delete_meeting', { meetingId: 'b-1' })).toStrictEqual({ meetingId: 'b-1' });
    expect(await restCall('ringcentral_delete_meeting', { meetingId: 'b-1' })).toStrictEqual({
      method: 'DELETE',
      path: '/rcvideo/v2/bridges/b-1',
    });
  });

  it('list_meetings: the Video history, its name filter as text and its dates as epoch milliseconds', async () => {
    expect(await restCall('ringcentral_list_meetings', {})).toStrictEqual({
      method: 'GET',
      path: '/rcvideo/v1/history/meetings',
      query: [],
    });
    // A date alone is that whole day in the account's time zone (US/Pacific in the script).
    expect(
      await restCall('ringcentral_list_meetings', { name: 'Weekly sync', dateFrom: '2026-01-15', dateTo: '2026-01-15' }),
    ).toStrictEqual({
      method: 'GET',
      path: '/rcvideo/v1/history/meetings',
      query: [
        ['text', 'Weekly sync'],
        ['startTime', String(Date.parse('2026-01-15T00:00:00-08:00'))],
        ['endTime', String(Date.parse('2026-01-15T23:59:59-08:00'))],
      ],
    });
    expect(await restCall('ringcentral_list_meetings', { dateFrom: '2026-01-15T10:00:00Z' })).toStrictEqual({
      method: 'GET',
      path: '/rcvideo/v1/history/meetings',
      query: [['startTime', String(Date.parse('2026-01-15T10:00:00Z'))]],
    });
  });
});
