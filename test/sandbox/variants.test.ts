// Connector variants Membrane's docs allow, and the lossless int64 ids of RingCentral.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/sandbox/actions/catalog.js';
import { CID, EXT, NOW, sandbox } from './helpers.js';

const sb = sandbox({}, { inProcess: true });
const DAY = 86_400_000;
const ago = (d: number) => new Date(Date.parse(NOW) - d * DAY).toISOString();
const variant = (v: string) => ({ env: { MEMBRANE_SANDBOX_VARIANT: v } });
const types = (out: any) => [...new Set(out.records.map((m: any) => m.type))].sort();

beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});
afterAll(() => sb.cleanup());

describe('default: undeclared input properties are silently ignored', () => {
  it('an unknown property neither fails nor filters', async () => {
    const [plain, extra] = await Promise.all([
      sb.actOk('list-messages', { perPage: 1000 }),
      sb.actOk('list-messages', { perPage: 1000, bogus: 1, messageTypes: ['VoiceMail'] }),
    ]);
    expect(extra).toEqual(plain);
    expect(types(plain)).toEqual(['Fax', 'SMS', 'VoiceMail']);
  });
});

describe('renamed-inputs', () => {
  const v = variant('renamed-inputs');

  it('drops our REST-shaped filter (every type comes back) and applies its own names', async () => {
    const [restNames, ownNames, defaultVm, defaultDay] = await Promise.all([
      sb.actOk('list-messages', { messageType: ['VoiceMail'], dateFrom: ago(61), perPage: 1000 }, v),
      sb.actOk('list-messages', { messageTypes: ['VoiceMail'], startDate: ago(61), pageSize: 1000 }, v),
      sb.actOk('list-messages', { messageType: ['VoiceMail'], dateFrom: ago(61), perPage: 1000 }),
      sb.actOk('list-messages', {}),
    ]);
    expect(restNames).toEqual(defaultDay);
    expect(types(restNames)).toEqual(['Fax', 'SMS', 'VoiceMail']);
    expect(ownNames).toEqual(defaultVm);
    expect(types(ownNames)).toEqual(['VoiceMail']);
    expect(ownNames.records.length).toBeGreaterThanOrEqual(60);
  });

  it('send-sms without its own names fails naming them; with them the SMS is exact', async () => {
    const bad = await sb.act('send-sms', { from: { phoneNumber: '+16505550101' }, to: [{ phoneNumber: '+14155550177' }], text: 'Hi' }, v);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ type: 'bad_request', key: 'invalid_input', message: 'Invalid input: input.fromNumber is required' });
    const noTo = await sb.act('send-sms', { fromNumber: '+16505550101', to: [{ phoneNumber: '+14155550177' }], message: 'Hi' }, v);
    expect(noTo.json.message).toBe('Invalid input: input.toNumbers is required');
    const m = await sb.actOk(
      'send-sms',
      { fromNumber: '+16505550102', toNumbers: ['+14155550177', '+14155550178'], message: 'Renamed hello' },
      v,
    );
    expect(m).toMatchObject({ type: 'SMS', direction: 'Outbound', subject: 'Renamed hello', from: { phoneNumber: '+16505550102' } });
    expect(m.to.map((t: any) => t.phoneNumber)).toEqual(['+14155550177', '+14155550178']);
  });

  it('update-contact takes id + fields; list-contacts filters by searchText; action list shows the own names', async () => {
    const c = await sb.actOk('create-contact', { fields: { firstName: 'Renata', lastName: 'Ames', email: 'renata@example.com' } }, v);
    expect(c).toMatchObject({ firstName: 'Renata', lastName: 'Ames', email: 'renata@example.com' });
    const u = await sb.actOk('update-contact', { id: String(c.id), fields: { jobTitle: 'Buyer' } }, v);
    expect(u).toMatchObject({ firstName: 'Renata', lastName: 'Ames', email: 'renata@example.com', jobTitle: 'Buyer' });
    const ignored = await sb.actOk('update-contact', { id: String(c.id), fields: {}, jobTitle: 'CFO' }, v);
    expect(ignored.jobTitle).toBe('Buyer');
    const found = await sb.actOk('list-contacts', { searchText: 'Renata' }, v);
    expect(found.records.map((x: any) => x.id)).toEqual([c.id]);
    const { items } = await sb.ok(['action', 'list', '--intent', 'send-sms', '--limit', '1', '--json'], v);
    expect(Object.keys(items[0].inputSchema.properties)).toEqual(['fromNumber', 'toNumbers', 'message']);
    expect(items[0].inputSchema.required).toEqual(['fromNumber', 'toNumbers', 'message']);
  });
});

describe('data-records', () => {
  const v = variant('data-records');

  it('list actions return {records: [{id, name, fields, rawFields}], cursor} and page by cursor', async () => {
    const [p1, rest1, rest2] = await Promise.all([
      sb.actOk('list-contacts', { perPage: 2 }, v),
      sb.req(`${EXT}/address-book/contact?perPage=2&page=1`),
      sb.req(`${EXT}/address-book/contact?perPage=2&page=2`),
    ]);
    expect(Object.keys(p1).sort()).toEqual(['cursor', 'records']);
    expect(p1.records.map((r: any) => r.rawFields)).toEqual(rest1.json.records);
    const raw = rest1.json.records[0];
    expect(p1.records[0]).toEqual({ id: String(raw.id), name: `${raw.firstName} ${raw.lastName}`, fields: { ...raw }, rawFields: raw });
    const p2 = await sb.actOk('list-contacts', { perPage: 2, cursor: p1.cursor }, v);
    expect(p2.records.map((r: any) => r.rawFields)).toEqual(rest2.json.records);
    const msgs = await sb.actOk('list-messages', { perPage: 1 }, v);
    const m = msgs.records[0];
    expect(m.fields.createdTime).toBe(m.rawFields.creationTime);
    expect(m.fields.creationTime).toBeUndefined();
    expect(m.fields.isRead).toBe(m.rawFields.readStatus === 'Read');
    const bad = await sb.act('list-contacts', { cursor: 'nope' }, v);
    expect(bad.json.message).toBe('Invalid input: input.cursor is not a cursor returned by this action');
  });

  it('the request route keeps RingCentral raw shapes under data-records', async () => {
    const [plain, under] = await Promise.all([
      sb.req(`${EXT}/address-book/contact?perPage=3`),
      sb.run(['request', CID, `${EXT}/address-book/contact?perPage=3`, '--json'], v),
    ]);
    expect(under.json).toEqual(plain.json);
  });
});

describe('replace-update', () => {
  it('update-contact replaces the whole record: omitted fields are cleared', async () => {
    const c = await sb.actOk('create-contact', {
      firstName: 'Paula',
      lastName: 'Put',
      email: 'paula@example.com',
      company: 'Acme',
      businessPhone: '+14155550123',
    });
    const u = await sb.actOk('update-contact', { contactId: String(c.id), mobilePhone: '+14155550124' }, variant('replace-update'));
    expect(u).toEqual({ uri: c.uri, id: c.id, availability: 'Alive', mobilePhone: '+14155550124' });
    expect(await sb.actOk('get-contact', { contactId: String(c.id) })).toEqual(u);
    const patched = await sb.actOk('update-contact', { contactId: String(c.id), firstName: 'Paula' });
    expect(patched).toEqual({ ...u, firstName: 'Paula' });
  });
});

describe('no-schemas', () => {
  it('action list items carry no inputSchema and no outputSchema', async () => {
    const { items } = await sb.ok(['action', 'list', '--limit', '100', '--json'], variant('no-schemas'));
    expect(items).toHaveLength(ACTIONS.length);
    for (const a of items) expect(Object.keys(a).sort()).toEqual(['description', 'id', 'integrationKey', 'key', 'name']);
    const run = await sb.actOk('get-account-info', {}, variant('no-schemas'));
    expect(run.status).toBe('Confirmed');
  });
});

describe('scalar-filters', () => {
  const v = variant('scalar-filters');

  it('list actions declare one value per filter (its enum kept), refuse a list, and filter by the one value', async () => {
    const { items } = await sb.ok(['action', 'list', '--limit', '100', '--json'], v);
    const listMessages = items.find((a: any) => a.key === 'list-messages');
    expect(listMessages.inputSchema.properties.messageType).toEqual({
      type: 'string',
      description: 'Message types to include',
      enum: ['Fax', 'SMS', 'VoiceMail', 'Pager'],
    });
    expect(listMessages.inputSchema.properties.dateFrom.type).toBe('string');
    const refused = await sb.act('list-messages', { messageType: ['VoiceMail'] }, v);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ key: 'invalid_input', message: 'Invalid input: input.messageType must be string (got array)' });
    const one = await sb.actOk('list-messages', { messageType: 'VoiceMail', dateFrom: ago(60), perPage: 1000 }, v);
    expect(types(one)).toEqual(['VoiceMail']);
  });
});

describe('int64 ids', () => {
  it('by default conversationId is a bare 19-digit number equal to conversation.id, digit for digit', async () => {
    const r = await sb.act('list-messages', { messageType: ['SMS'], perPage: 1 });
    const conv = r.json.output.records[0].conversation.id;
    expect(conv).toMatch(/^\d{19}$/);
    expect(BigInt(conv) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(r.stdout).toContain(`"conversationId":${conv}`);
    const viaRequest = await sb.req(`${EXT}/message-store?messageType=SMS&perPage=1`);
    expect(viaRequest.stdout).toContain(`"conversationId":${conv}`);
  });

  it('big-ids: message and contact ids are 19-digit numbers in stdout and are accepted back as strings', async () => {
    const v = variant('big-ids');
    const r = await sb.act('list-messages', { perPage: 1 }, v);
    const id = r.stdout.match(/"records":\[\{"uri":"[^"]*\/message-store\/(\d+)","id":(\d+),/);
    expect(id?.[1]).toMatch(/^\d{19}$/);
    expect(id?.[2]).toBe(id?.[1]);
    expect(BigInt(id![1]) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const one = await sb.act('get-message', { messageId: id![1] }, v);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`"id":${id![1]},`);
    const viaRequest = await sb.run(['request', CID, `${EXT}/message-store/${id![1]}`, '--json'], v);
    expect(viaRequest.stdout).toContain(`/message-store/${id![1]}","id":${id![1]},`);
    const rounded = BigInt(Number(id![1])).toString();
    expect(rounded).not.toBe(id![1]);
    const miss = await sb.act('get-message', { messageId: rounded }, v);
    expect(miss.json.data.response.status).toBe(404);

    const contacts = await sb.run(['request', CID, `${EXT}/address-book/contact?perPage=1`, '--json'], v);
    const cid = contacts.stdout.match(/\/address-book\/contact\/(\d+)","id":(\d+),/);
    expect(cid?.[1]).toMatch(/^\d{19}$/);
    expect(cid?.[2]).toBe(cid?.[1]);
    const got = await sb.act('get-contact', { contactId: cid![1] }, v);
    expect(got.stdout).toContain(`"id":${cid![1]},`);
  });
});
