/**
 * tools/define.ts and the domains' fields: each rule at its edges, with the exact message a caller
 * reads, and the shared helpers that build inputs, queries and paths.
 */
import { describe, expect, it } from 'vitest';
import { inputSchema } from '../../src/mcp/schemas.js';
import { TOOLSETS } from '../../tools/contract.js';
import { idProblems } from '../../tools/fields.js';
import { asArray, compactObject, party, truncate } from '../../tools/format.js';
import { extensionPath, query } from '../../tools/rest.js';
import { toolNamed } from './scripted-cli.js';

/** idProblems as "input.path: message" lines. */
const idText = (value: unknown, prefix = 'input') => idProblems(value).map((p) => `${[prefix, ...p.path].join('.')}: ${p.message}`);

/** 'ok', or each problem of the input as "field: message". */
function problems(tool: string, input: Record<string, unknown>): string[] | 'ok' {
  const parsed = inputSchema(toolNamed(tool)).safeParse(input);
  return parsed.success ? 'ok' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
/** Each value of `field` in `base`, as 'ok' or its messages. */
const each = (tool: string, field: string, values: unknown[], base: Record<string, unknown> = {}) =>
  Object.fromEntries(values.map((v) => [JSON.stringify(v), problems(tool, { ...base, [field]: v })]));

const DIGITS_19 = '1'.repeat(19);
const E164 = 'must be an E.164 phone number like +16505550123';
const EMAIL = 'must be an email address like name@example.com';
const ISO = 'must be an ISO 8601 date (2026-01-31) or date-time with zone (2026-01-31T09:00:00Z)';

describe('shared field rules', () => {
  it('numeric ids: 1 to 19 digits, naming the list tool they come from', () => {
    const rule = 'messageId: must be a numeric RingCentral id (digits only); get it from ringcentral_list_messages';
    expect(
      each('ringcentral_get_message', 'messageId', ['1', DIGITS_19, '', `${DIGITS_19}1`, 'a1', '1a', '-1', ' 1', '1.5']),
    ).toStrictEqual({
      '"1"': 'ok',
      [`"${DIGITS_19}"`]: 'ok',
      '""': [rule],
      [`"${DIGITS_19}1"`]: [rule],
      '"a1"': [rule],
      '"1a"': [rule],
      '"-1"': [rule],
      '" 1"': [rule],
      '"1.5"': [rule],
    });
    expect(problems('ringcentral_get_contact', { contactId: 'x' })).toEqual([
      'contactId: must be a numeric RingCentral id (digits only); get it from ringcentral_list_contacts',
    ]);
  });

  it('ids as lists give them: a JSON number is taken as its digits; a fraction, a negative or an inexact number is refused', () => {
    const rule = 'must be a numeric RingCentral id (digits only); get it from ringcentral_list_messages';
    const exact = 'is not exact (a number beyond 2^53 loses digits): pass the id as a string';
    expect(inputSchema(toolNamed('ringcentral_get_message')).parse({ messageId: 21357207004 })).toEqual({ messageId: '21357207004' });
    expect(inputSchema(toolNamed('ringcentral_get_extension_info')).parse({ extensionId: 101 })).toEqual({ extensionId: '101' });
    expect(inputSchema(toolNamed('ringcentral_update_contact')).parse({ contactId: 7, company: 'C' })).toEqual({
      contactId: '7',
      company: 'C',
    });
    expect(
      each('ringcentral_get_message', 'messageId', [0, Number.MAX_SAFE_INTEGER, -1, 1.5, 2 ** 53, 1e20, true, [1], { id: 1 }]),
    ).toStrictEqual({
      '0': 'ok',
      [String(Number.MAX_SAFE_INTEGER)]: 'ok',
      '-1': [`messageId: ${rule}`],
      '1.5': [`messageId: ${rule}`],
      [String(2 ** 53)]: [`messageId: ${2 ** 53} ${exact}`],
      '100000000000000000000': [`messageId: 100000000000000000000 ${exact}`],
      true: [`messageId: ${rule}`],
      '[1]': [`messageId: ${rule}`],
      '{"id":1}': [`messageId: ${rule}`],
    });
    expect(problems('ringcentral_list_messages', { conversationId: 8.5 })).toEqual([
      'conversationId: must be a numeric RingCentral id (digits only); get it from ringcentral_list_messages',
    ]);
  });

  it('extension ids: "~" or 1 to 19 digits', () => {
    const rule = ['extensionId: must be "~" (you) or a numeric extension id from ringcentral_list_extensions'];
    expect(
      each('ringcentral_get_extension_info', 'extensionId', ['~', '7', DIGITS_19, '', '~~', '~1', `${DIGITS_19}1`, 'a', ' 7']),
    ).toStrictEqual({
      '"~"': 'ok',
      '"7"': 'ok',
      [`"${DIGITS_19}"`]: 'ok',
      '""': rule,
      '"~~"': rule,
      '"~1"': rule,
      [`"${DIGITS_19}1"`]: rule,
      '"a"': rule,
      '" 7"': rule,
    });
  });

  it('phone numbers: E.164, a + and 2 to 15 digits not starting with 0', () => {
    const rule = [`phoneNumber: ${E164}`];
    expect(
      each('ringcentral_list_messages', 'phoneNumber', [
        '+12',
        `+1${'2'.repeat(14)}`,
        '+1',
        `+1${'2'.repeat(15)}`,
        '+0123',
        '16505550123',
        '+1 650',
        '+1650a',
        'x+16505550123',
      ]),
    ).toStrictEqual({
      '"+12"': 'ok',
      [`"+1${'2'.repeat(14)}"`]: 'ok',
      '"+1"': rule,
      [`"+1${'2'.repeat(15)}"`]: rule,
      '"+0123"': rule,
      '"16505550123"': rule,
      '"+1 650"': rule,
      '"+1650a"': rule,
      '"x+16505550123"': rule,
    });
  });

  it('emails: no spaces or special characters before @, a dotted domain of letters, digits and -', () => {
    const ok = ['a@b.co', 'a.b+c@x-y.example.com', 'A_1@B2.C3'];
    const bad = [
      'a@b',
      'a b@x.co',
      '<a>@x.co',
      'a(b)@x.co',
      'a[b]@x.co',
      'a,b@x.co',
      'a;b@x.co',
      'a:b@x.co',
      'a"b@x.co',
      'a@b@x.co',
      '@x.co',
      'a@x_y.co',
      'a@x.c_o',
      'a@x.co.',
      'a@.co',
      'a@x..co',
      'xa@x.co\n',
      ' a@x.co',
    ];
    for (const email of ok) expect(problems('ringcentral_list_extensions', { email }), email).toBe('ok');
    for (const email of bad) expect(problems('ringcentral_list_extensions', { email }), email).toEqual([`email: ${EMAIL}`]);
    expect(problems('ringcentral_list_extensions', { email: `${'a'.repeat(246)}@x.co.uk` })).toBe('ok');
    expect(problems('ringcentral_list_extensions', { email: `${'a'.repeat(247)}@x.co.uk` })).toEqual([
      'email: Too big: expected string to have <=254 characters',
    ]);
  });

  it('dates: an ISO 8601 date, or a date-time with minutes, optional seconds and fraction, and a zone', () => {
    const ok = [
      '2026-01-31',
      '2026-01-31T09:00Z',
      '2026-01-31T09:00:00Z',
      '2026-01-31T09:00:00.1+02:00',
      '2026-01-31T09:00:00.123456-05:30',
    ];
    const bad = [
      '2026-1-31',
      '26-01-31',
      '2026-01-31T09',
      '2026-01-31T09:00',
      '2026-01-31T09:00:00',
      '2026-01-31T09:00:00.1234567Z',
      '2026-01-31T09:00:00+0200',
      '2026-01-31 09:00Z',
      'x2026-01-31',
      '2026-01-31x',
      '2026-01-31T9:00Z',
    ];
    for (const dateFrom of ok) expect(problems('ringcentral_list_messages', { dateFrom }), dateFrom).toBe('ok');
    for (const dateFrom of bad) expect(problems('ringcentral_get_call_log', { dateFrom }), dateFrom).toEqual([`dateFrom: ${ISO}`]);
    expect(problems('ringcentral_get_call_log', { dateTo: 'now' })).toEqual([`dateTo: ${ISO}`]);
  });

  it('free-form ids (run_action input): by key, each value by the rule of the typed tools', () => {
    const rule = 'must be an id from a list tool (letters, digits, ~ . _ : @ + = -; not empty, ".", "..", blank or %-encoded)';
    expect(
      idText({ id: 'a', ids: ['1', 2], contactId: '7', chatIds: ['x.y'], chat_id: 'a:b@c+d=e-f', ID: 0, personId: 2 ** 53 - 1 }),
    ).toEqual([]);
    expect(idText({ identity: '', paid: '..', Idea: ' ', valid: '%', note: { text: '' } })).toEqual([]);
    const bad = ['', '.', '..', '...', '.a', '-a', 'a b', 'a%2e', 'a/b', `a${'b'.repeat(256)}`, -1, 1.5, 2 ** 53, true, null, {}];
    for (const value of bad) expect(idText({ id: value }), JSON.stringify(value)).toEqual([`input.id: ${rule}`]);
    expect(idText({ id: `a${'b'.repeat(255)}` })).toEqual([]);
    expect(idText({ id: '_a' })).toEqual([]);
    expect(idText({ id: '+1' })).toEqual([]);
    expect(idText([{ messageIds: ['1', '..'] }, { x: [{ Id: '' }] }])).toEqual([`input.0.messageIds: ${rule}`, `input.1.x.0.Id: ${rule}`]);
    expect(idText({ a: { b: { extension_id: '.' } } }, 'body')).toEqual([`body.a.b.extension_id: ${rule}`]);
    expect(idText('..')).toEqual([]);
    expect(idText(null)).toEqual([]);
  });

  it('free-form ids the typed tools know keep their formats: message and contact ids digits, extension ~ or digits', () => {
    const digits = (what: string) => `must be a numeric RingCentral id (digits only); get it from ringcentral_list_${what}`;
    const extension = 'must be "~" (you) or a numeric extension id from ringcentral_list_extensions';
    expect(
      idText({ messageId: '21357380004', contactIds: ['1', 2], extensionId: '~', extension_id: 101, meetingId: 'iad41-c06.x_1' }),
    ).toEqual([]);
    expect(idText({ messageId: 'abc' })).toEqual([`input.messageId: ${digits('messages')}`]);
    expect(idText({ message_ids: ['1', 'x1'] })).toEqual([`input.message_ids: ${digits('messages')}`]);
    expect(idText({ body: { contactId: '~' } })).toEqual([`input.body.contactId: ${digits('contacts')}`]);
    expect(idText({ extensionId: 'me' })).toEqual([`input.extensionId: ${extension}`]);
    // The whole value: no "~" or digits at one end only.
    for (const id of ['x101', '101x', 'a~', '~a']) expect(idText({ extensionId: id }), id).toEqual([`input.extensionId: ${extension}`]);
    expect(idText({ meetingId: 'a:b' })).toEqual([
      'input.meetingId: must be a meeting (bridge) id from ringcentral_list_meetings (letters, digits, _ . -)',
    ]);
  });
});

describe('shared helpers', () => {
  it('query: absent and empty values left out, a list repeats its key, other values as text', () => {
    expect(query({ a: 'x', b: undefined, c: '', d: 0, e: false, f: ['1', '2'], g: [] })).toEqual([
      ['a', 'x'],
      ['d', '0'],
      ['e', 'false'],
      ['f', '1'],
      ['f', '2'],
    ]);
  });

  it('the toolsets', () => {
    expect(TOOLSETS).toEqual(['account', 'messaging', 'contacts', 'calls', 'chats', 'meetings', 'api', 'discovery']);
  });

  it('asArray, compactObject, truncate, party, extensionPath', () => {
    expect(asArray(undefined)).toBeUndefined();
    expect(asArray('a')).toEqual(['a']);
    const list = ['a'];
    expect(asArray(list)).toBe(list);
    expect(compactObject({ a: undefined, b: '', c: 0, d: false, e: null, f: 'x' })).toStrictEqual({ c: 0, d: false, e: null, f: 'x' });
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate(5, 6)).toBeUndefined();
    expect(party({ phoneNumber: '+1', extensionNumber: '101', name: 'Ann' })).toBe('+1 (Ann)');
    expect(party({ extensionNumber: '101' })).toBe('101');
    expect(party({ name: 'Ann' })).toBe('Ann');
    expect(party({})).toBeUndefined();
    expect(party('Ann')).toBeUndefined();
    expect(party(null)).toBeUndefined();
    expect(extensionPath(undefined)).toBe('/restapi/v1.0/account/~/extension/~');
    expect(extensionPath('a b')).toBe('/restapi/v1.0/account/~/extension/a%20b');
  });
});

describe('the domains’ own fields', () => {
  it('list_extensions: a short extension number', () => {
    const rule = ['extensionNumber: must be the short extension number (digits)'];
    expect(each('ringcentral_list_extensions', 'extensionNumber', ['1', '12345678', '', '123456789', 'a1', '1a'])).toStrictEqual({
      '"1"': 'ok',
      '"12345678"': 'ok',
      '""': rule,
      '"123456789"': rule,
      '"a1"': rule,
      '"1a"': rule,
    });
  });

  it('send_sms: 1 to 10 different recipients, 1 to 1,000 characters, an idempotency key of 1 to 128 plain characters', () => {
    const base = { to: ['+16505550123'], text: 'hi' };
    expect(problems('ringcentral_send_sms', base)).toBe('ok');
    expect(problems('ringcentral_send_sms', { ...base, to: [] })).toEqual(['to: Too small: expected array to have >=1 items']);
    const ten = Array.from({ length: 10 }, (_, i) => `+1650555010${i}`);
    expect(problems('ringcentral_send_sms', { ...base, to: ten })).toBe('ok');
    expect(problems('ringcentral_send_sms', { ...base, to: [...ten, '+16505550110'] })).toEqual([
      'to: Too big: expected array to have <=10 items',
    ]);
    expect(problems('ringcentral_send_sms', { ...base, to: ['+16505550123', '+16505550124', '+16505550123'] })).toEqual([
      'to: lists a number more than once; give each recipient once',
    ]);
    expect(problems('ringcentral_send_sms', { ...base, to: ['6505550123', 'Quinn Sato'] })).toBe('ok');
    expect(problems('ringcentral_send_sms', { ...base, to: ['-x'] })).toEqual(['to.0: must be a phone number or a name']);
    expect(problems('ringcentral_send_sms', { ...base, text: 'x'.repeat(1000) })).toBe('ok');
    expect(problems('ringcentral_send_sms', { ...base, text: 'x'.repeat(1001) })).toEqual([
      'text: Too big: expected string to have <=1000 characters',
    ]);
    expect(problems('ringcentral_send_sms', { ...base, text: '' })).toEqual(['text: Too small: expected string to have >=1 characters']);
    expect(problems('ringcentral_send_sms', { ...base, from: '6505550100' })).toEqual([`from: ${E164}`]);
    const key = ['idempotencyKey: must be 1-128 letters, digits, _ . : -'];
    expect(
      each('ringcentral_send_sms', 'idempotencyKey', ['a', 'A_1.b:c-d', 'k'.repeat(128), '', 'k'.repeat(129), 'a b', 'a/b', 'ü'], base),
    ).toStrictEqual({
      '"a"': 'ok',
      '"A_1.b:c-d"': 'ok',
      [`"${'k'.repeat(128)}"`]: 'ok',
      '""': key,
      [`"${'k'.repeat(129)}"`]: key,
      '"a b"': key,
      '"a/b"': key,
      '"ü"': key,
    });
  });

  it('contacts: field lengths, a strict address, a name prefix of 1 to 64 characters', () => {
    const limits: Array<[string, number]> = [
      ['firstName', 64],
      ['lastName', 64],
      ['company', 256],
      ['jobTitle', 256],
      ['notes', 1000],
    ];
    for (const [field, max] of limits) {
      expect(problems('ringcentral_create_contact', { [field]: 'x'.repeat(max) }), field).toBe('ok');
      expect(problems('ringcentral_create_contact', { [field]: 'x'.repeat(max + 1) }), field).toEqual([
        `${field}: Too big: expected string to have <=${max} characters`,
      ]);
    }
    for (const field of ['mobilePhone', 'businessPhone', 'homePhone'])
      expect(problems('ringcentral_create_contact', { [field]: '1' })).toEqual([`${field}: ${E164}`]);
    expect(
      problems('ringcentral_create_contact', { businessAddress: { street: 's', city: 'c', state: 'st', zip: 'z', country: 'NO' } }),
    ).toBe('ok');
    expect(problems('ringcentral_create_contact', { businessAddress: { planet: 'Mars' } })).toEqual([
      'businessAddress: Unrecognized key: "planet"',
    ]);
    expect(problems('ringcentral_update_contact', { contactId: '5', email: 'x' })).toEqual([`email: ${EMAIL}`]);
    expect(problems('ringcentral_list_contacts', { startsWith: 'x'.repeat(64), sortBy: 'Company' })).toBe('ok');
    expect(problems('ringcentral_list_contacts', { startsWith: '' })).toEqual([
      'startsWith: Too small: expected string to have >=1 characters',
    ]);
    expect(problems('ringcentral_list_contacts', { startsWith: 'x'.repeat(65) })).toEqual([
      'startsWith: Too big: expected string to have <=64 characters',
    ]);
  });

  it('call log: a number with or without +', () => {
    const rule = ['phoneNumber: must be an E.164 phone number like +16505550123'];
    expect(
      each('ringcentral_get_call_log', 'phoneNumber', [
        '+16505550123',
        '16505550123',
        '12',
        `1${'2'.repeat(14)}`,
        '1',
        `1${'2'.repeat(15)}`,
        '0123',
        '++1650',
        '1650 555',
        'a1650',
        '1650a',
      ]),
    ).toStrictEqual({
      '"+16505550123"': 'ok',
      '"16505550123"': 'ok',
      '"12"': 'ok',
      [`"1${'2'.repeat(14)}"`]: 'ok',
      '"1"': rule,
      [`"1${'2'.repeat(15)}"`]: rule,
      '"0123"': rule,
      '"++1650"': rule,
      '"1650 555"': rule,
      '"a1650"': rule,
      '"1650a"': rule,
    });
  });

  it('chats: a chat reference without a leading "-" or control characters; members by email, id or name', () => {
    const chat = ['chatId: must be a chat id, team name or email (no leading "-" or control characters)'];
    expect(
      each(
        'ringcentral_create_chat_post',
        'chatId',
        ['x', 'Design Review', 'a-b', 'x'.repeat(200), '-x', ' x', '\tx', 'a\nb', 'a\u001fb', ''],
        { text: 'hi' },
      ),
    ).toStrictEqual({
      '"x"': 'ok',
      '"Design Review"': 'ok',
      '"a-b"': 'ok',
      [`"${'x'.repeat(200)}"`]: 'ok',
      '"-x"': chat,
      '" x"': chat,
      '"\\tx"': chat,
      '"a\\nb"': chat,
      '"a\\u001fb"': chat,
      '""': ['chatId: Too small: expected string to have >=1 characters', ...chat],
    });
    expect(problems('ringcentral_create_chat_post', { chatId: 'x'.repeat(201), text: 'hi' })).toEqual([
      'chatId: Too big: expected string to have <=200 characters',
    ]);
    expect(problems('ringcentral_create_chat_post', { chatId: 'x', text: 'x'.repeat(10_000) })).toBe('ok');
    expect(problems('ringcentral_create_chat_post', { chatId: 'x', text: 'x'.repeat(10_001) })).toEqual([
      'text: Too big: expected string to have <=10000 characters',
    ]);
    const member = "must be an email, a person id, or a person's name";
    const ok = ['ann@x.co', '42', 'Ann Lee', 'a'.repeat(200), 'a-b'];
    for (const m of ok) expect(problems('ringcentral_create_team', { name: 'T', members: [m] }), m).toBe('ok');
    for (const m of ['', '-ann', ' ann', 'a@b', 'ann\n', 'a'.repeat(201), '\u0000a']) {
      const found = problems('ringcentral_create_team', { name: 'T', members: [m] });
      expect(found, JSON.stringify(m)).toEqual([`members.0: Invalid input`]);
      const issue = inputSchema(toolNamed('ringcentral_create_team')).safeParse({ name: 'T', members: [m] });
      const messages = issue.success ? [] : JSON.stringify(issue.error.issues);
      expect(messages, JSON.stringify(m)).toContain(member);
    }
    expect(problems('ringcentral_create_team', { name: 'T', members: Array.from({ length: 101 }, () => '42') })).toEqual([
      'members: Too big: expected array to have <=100 items',
    ]);
    expect(problems('ringcentral_create_team', { name: 'x'.repeat(250), description: 'd'.repeat(1000), public: true })).toBe('ok');
    expect(problems('ringcentral_create_team', { name: 'x'.repeat(251) })).toEqual([
      'name: Too big: expected string to have <=250 characters',
    ]);
    expect(problems('ringcentral_create_team', { name: 'T', description: 'd'.repeat(1001) })).toEqual([
      'description: Too big: expected string to have <=1000 characters',
    ]);
  });

  it('meetings: a bridge id of 1 to 128 plain characters', () => {
    const rule = ['meetingId: must be a meeting (bridge) id from ringcentral_list_meetings (letters, digits, _ . -)'];
    expect(
      each('ringcentral_get_meeting', 'meetingId', [
        'a',
        'A1_b.c-d',
        `a${'b'.repeat(127)}`,
        '',
        `a${'b'.repeat(128)}`,
        '-a',
        '.a',
        '_a',
        'a b',
        'a/b',
      ]),
    ).toStrictEqual({
      '"a"': 'ok',
      '"A1_b.c-d"': 'ok',
      [`"a${'b'.repeat(127)}"`]: 'ok',
      '""': rule,
      [`"a${'b'.repeat(128)}"`]: rule,
      '"-a"': rule,
      '".a"': rule,
      '"_a"': rule,
      '"a b"': rule,
      '"a/b"': rule,
    });
    expect(
      problems('ringcentral_create_meeting', { name: 'x'.repeat(256), password: 'p'.repeat(64), type: 'Scheduled', waitingRoom: true }),
    ).toBe('ok');
    expect(problems('ringcentral_create_meeting', { name: 'x', password: 'p' })).toBe('ok');
    expect(problems('ringcentral_create_meeting', { name: '' })).toEqual(['name: Too small: expected string to have >=1 characters']);
    expect(problems('ringcentral_create_meeting', { name: 'x'.repeat(257) })).toEqual([
      'name: Too big: expected string to have <=256 characters',
    ]);
    expect(problems('ringcentral_create_meeting', { password: '' })).toEqual([
      'password: Too small: expected string to have >=1 characters',
    ]);
    expect(problems('ringcentral_create_meeting', { password: 'p'.repeat(65) })).toEqual([
      'password: Too big: expected string to have <=64 characters',
    ]);
  });
});

describe('free-form fields given as objects', () => {
  it('an object where JSON text or name/value pairs are expected is told the form, with an example', () => {
    const proxy = { method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms' };
    expect(problems('ringcentral_api_request', { ...proxy, body: { text: 'hi' } })).toEqual([
      'body: must be JSON text (a string) such as {"text":"hi"}, not an object',
    ]);
    expect(problems('ringcentral_api_request', { ...proxy, query: { perPage: '100' } })).toEqual([
      'query: must be a list of name/value pairs such as [{"name":"perPage","value":"100"}], not an object',
    ]);
    expect(problems('ringcentral_api_request', { ...proxy, headers: { Accept: 'application/json' } })).toEqual([
      'headers: must be a list of name/value pairs such as [{"name":"Accept","value":"application/json"}], not an object',
    ]);
    expect(problems('ringcentral_run_action', { action: 'get-account-info', input: { extensionId: '~' } })).toEqual([
      'input: must be JSON text (a string) such as {"extensionId":"~"}, not an object',
    ]);
    // Other wrong types keep the plain message.
    expect(problems('ringcentral_api_request', { ...proxy, body: ['hi'] })).toEqual([
      'body: Invalid input: expected string, received array',
    ]);
    expect(problems('ringcentral_run_action', { action: 'get-account-info', input: 5 })).toEqual([
      'input: Invalid input: expected string, received number',
    ]);
    expect(problems('ringcentral_api_request', { ...proxy, query: 'perPage=100', headers: null })).toEqual([
      'query: Invalid input: expected array, received string',
      'headers: Invalid input: expected array, received null',
    ]);
    expect(problems('ringcentral_run_action', { action: 'get-account-info', input: null })).toEqual([
      'input: Invalid input: expected string, received null',
    ]);
  });
});

describe('run_action input as JSON text', () => {
  it('keeps every digit of an int64 beyond 2^53 (as its exact digits, as results do) and drops __proto__ keys', () => {
    const text = '{"messageId":8263573593189910683,"nested":{"conversationId":[8263573593189910684]},"small":42,"__proto__":{"x":1}}';
    const parsed = inputSchema(toolNamed('ringcentral_run_action')).parse({ action: 'get-message', input: text }) as { input: object };
    expect(parsed.input).toStrictEqual({
      messageId: '8263573593189910683',
      nested: { conversationId: ['8263573593189910684'] },
      small: 42,
    });
    expect(Object.getPrototypeOf(parsed.input)).toBe(Object.prototype);
  });
});
