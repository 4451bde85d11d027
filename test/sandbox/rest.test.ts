import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CID, EXT, NOW, sandbox } from './helpers.js';

const sb = sandbox({}, { inProcess: true });
afterAll(() => sb.cleanup());
const DAY = 86_400_000;
const FROM = new Date(Date.parse(NOW) - 61 * DAY).toISOString();

beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});

async function walkA(path: string, perPage: number, extra: string[] = []) {
  const ids: unknown[] = [];
  let page = 1;
  let total: number;
  for (;;) {
    const j = await sb.ok(['request', CID, path, '--query', `page=${page}`, '--query', `perPage=${perPage}`, ...extra, '--json']);
    total = j.paging.totalElements;
    expect(j.paging.perPage).toBe(perPage);
    if (j.records.length) expect(j.paging.pageStart).toBe((page - 1) * perPage);
    ids.push(...j.records.map((r: any) => r.id));
    if (page === 1) expect(j.navigation.previousPage).toBeUndefined();
    if (!j.navigation.nextPage) break;
    page++;
  }
  return { ids, total };
}

describe('request', () => {
  it('resolves ~ to numeric ids and serves the user phone numbers with SMS features', async () => {
    const j = await sb.ok(['request', CID, `${EXT}/phone-number`, '--json']);
    expect(j.uri).not.toContain('~');
    const sms = j.records.filter((n: any) => n.features.includes('SmsSender'));
    const notSms = j.records.filter((n: any) => !n.features.includes('SmsSender'));
    expect(sms.length).toBeGreaterThanOrEqual(2);
    expect(notSms.length).toBeGreaterThanOrEqual(1);
    for (const n of j.records)
      expect(n).toMatchObject({
        id: expect.any(Number),
        phoneNumber: expect.stringMatching(/^\+1\d{10}$/),
        usageType: expect.any(String),
        type: expect.any(String),
      });
    const me = await sb.ok(['request', CID, '/restapi/v1.0/account/~/extension/~', '--json']);
    const byId = await sb.ok([
      'request',
      CID,
      `/restapi/v1.0/account/{accountId}/extension/${me.id}`,
      '--pathParam',
      `accountId=${me.account.id}`,
      '--json',
    ]);
    expect(byId.id).toBe(me.id);
  });

  it('prints RingCentral errors on stdout, one HTTP line on stderr, exit 1', async () => {
    const r = await sb.req('/restapi/v1.0/account/~/no-such-thing');
    expect(r.code).toBe(1);
    expect(r.json).toEqual({ errorCode: 'AGW-404', message: 'Resource not found' });
    expect(r.stderr.trim()).toBe('HTTP 404 AGW-404: Resource not found');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bad = await sb.req(`${EXT}/message-store`, '--query', 'messageType=Carrier');
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({
      errorCode: 'InvalidParameter',
      parameterName: 'messageType',
      errors: [{ errorCode: 'CMN-101', parameterName: 'messageType' }],
    });
  });

  it('repeated --query values become multi-valued filters; query strings in the path work too', async () => {
    const [both, inPath] = await Promise.all([
      sb.ok([
        'request',
        CID,
        `${EXT}/message-store`,
        '--query',
        'messageType=SMS',
        '--query',
        'messageType=Fax',
        '--query',
        `dateFrom=${FROM}`,
        '--query',
        'perPage=1000',
        '--json',
      ]),
      sb.ok(['request', CID, `${EXT}/message-store?messageType=VoiceMail&perPage=1000&dateFrom=${FROM}`, '--json']),
    ]);
    expect(new Set(both.records.map((m: any) => m.type))).toEqual(new Set(['SMS', 'Fax']));
    expect(inPath.records.every((m: any) => m.type === 'VoiceMail')).toBe(true);
  });

  it('a DELETE that names no message id empties the mailbox (204, nothing printed), as RingCentral does: bare, trailing slash, blank', async () => {
    const own = sandbox({}, { inProcess: true });
    try {
      for (const p of [`${EXT}/message-store`, `${EXT}/message-store/`, `${EXT}/message-store/%20`]) {
        await own.ok(['reset', '--json']);
        const r = await own.run(['request', CID, p, '-X', 'DELETE', '--json']);
        expect([r.code, r.stdout, r.stderr], p).toEqual([0, '', '']);
        const [alive, deleted] = await Promise.all([
          own.ok(['request', CID, `${EXT}/message-store?dateFrom=${FROM}&perPage=1`, '--json']),
          own.ok(['request', CID, `${EXT}/message-store?dateFrom=${FROM}&perPage=1&availability=Deleted`, '--json']),
        ]);
        expect(alive.paging.totalElements, p).toBe(0);
        expect(deleted.paging.totalElements, p).toBeGreaterThan(300);
      }
    } finally {
      own.cleanup();
    }
  });

  it('DELETE message-store by filter: type, conversationId and purge narrow it; its parameters are strict', async () => {
    const own = sandbox({}, { inProcess: true });
    try {
      await own.ok(['reset', '--json']);
      const count = async (q: string) =>
        (await own.ok(['request', CID, `${EXT}/message-store?dateFrom=${FROM}&perPage=1${q}`, '--json'])).paging.totalElements;
      const [sms, all] = [await count('&messageType=SMS'), await count('')];
      const bad = await own.run(['request', CID, `${EXT}/message-store?type=sms`, '-X', 'DELETE', '--json']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('HTTP 400 CMN-101: Parameter [type] value is invalid\n');
      const badDate = await own.run(['request', CID, `${EXT}/message-store?dateTo=2026-02-01`, '-X', 'DELETE', '--json']);
      expect(badDate.stderr).toBe('HTTP 400 CMN-101: Parameter [dateTo] value is invalid\n');
      expect(await count('')).toBe(all);
      const left = (await own.ok(['request', CID, `${EXT}/message-store?dateFrom=${FROM}&perPage=1000`, '--json'])).records;
      const conv = left.find((m: any) => m.conversation).conversation.id;
      const inConv = left.filter((m: any) => m.conversation?.id === conv).length;
      expect(inConv).toBeGreaterThan(0);
      const byConv = await own.run(['request', CID, `${EXT}/message-store?conversationId=${conv}`, '-X', 'DELETE', '--json']);
      expect([byConv.code, byConv.stdout]).toEqual([0, '']);
      expect(await count('')).toBe(all - inConv);
      const r = await own.run(['request', CID, `${EXT}/message-store?type=SMS&purge=true`, '-X', 'DELETE', '--json']);
      expect([r.code, r.stdout]).toEqual([0, '']);
      expect(await count('')).toBe(all - sms);
      expect(await count('&messageType=SMS')).toBe(0);
      expect(await count('&messageType=SMS&availability=Deleted')).toBe(0);
    } finally {
      own.cleanup();
    }
  });

  it('strict input, as RingCentral: 400 CMN-101 naming the parameter for date-only dates, comma-joined lists, wrong case and recordCount over 250', async () => {
    const chat = (await sb.ok(['request', CID, '/team-messaging/v1/chats?recordCount=1', '--json'])).records[0].id;
    const cases: [string, string, string][] = [
      [`${EXT}/message-store`, 'dateFrom', '2026-01-05'],
      [`${EXT}/message-store`, 'dateTo', '2026-01-05T00:00:00'],
      [`${EXT}/message-store`, 'dateFrom', '2026-01-05 00:00:00Z'],
      [`${EXT}/message-store`, 'dateFrom', '2026-01-05T00:00Z'],
      [`${EXT}/message-store`, 'messageType', 'SMS,Fax'],
      [`${EXT}/message-store`, 'messageType', 'sms'],
      [`${EXT}/message-store`, 'messageType', 'Text'],
      [`${EXT}/message-store`, 'availability', 'Alive,Deleted'],
      [`${EXT}/message-store`, 'direction', 'inbound'],
      [`${EXT}/message-store`, 'readStatus', 'Read,Unread'],
      [`${EXT}/call-log`, 'dateFrom', '2026-01-05'],
      [`${EXT}/call-log`, 'type', 'Voice,Fax'],
      [`${EXT}/call-log`, 'view', 'detailed'],
      [`${EXT}/call-log`, 'direction', 'Inbound,Outbound'],
      [`${EXT}/active-calls`, 'direction', 'outbound'],
      ['/restapi/v1.0/account/~/extension', 'type', 'User,Department'],
      ['/restapi/v1.0/account/~/extension', 'status', 'enabled'],
      [`${EXT}/address-book/contact`, 'phoneNumber', '+16505550123,+16505550124'],
      [`${EXT}/address-book/contact`, 'sortBy', 'firstName'],
      ['/team-messaging/v1/chats', 'type', 'Team,Direct'],
      ['/team-messaging/v1/chats', 'recordCount', '251'],
      ['/team-messaging/v1/teams', 'recordCount', '1000'],
      [`/team-messaging/v1/chats/${chat}/posts`, 'recordCount', '251'],
      ['/rcvideo/v1/history/meetings', 'type', 'all'],
    ];
    for (const [path, name, value] of cases) {
      const r = await sb.run(['request', CID, path, '--query', `${name}=${value}`, '--json']);
      const where = `${path}?${name}=${value}`;
      expect(r.code, where).toBe(1);
      expect(r.stderr, where).toBe(`HTTP 400 CMN-101: Parameter [${name}] value is invalid\n`);
      expect(r.json, where).toEqual({
        errorCode: 'InvalidParameter',
        message: `Parameter [${name}] value is invalid`,
        errors: [{ errorCode: 'CMN-101', message: `Parameter [${name}] value is invalid`, parameterName: name, parameterValue: value }],
        parameterName: name,
      });
    }
    const fine = [
      `${EXT}/message-store?dateFrom=2026-01-05T00:00:00Z&dateTo=2026-03-01T00:00:00.000-08:00&messageType=SMS&messageType=Fax`,
      `${EXT}/call-log?dateFrom=2026-01-05T00:00:00%2B01:00&type=Voice&type=Fax&view=Detailed&perPage=1000`,
      '/team-messaging/v1/chats?recordCount=250&type=Team&type=Direct',
      `${EXT}/address-book/contact?sortBy=FirstName&sortBy=LastName`,
    ];
    for (const path of fine) expect((await sb.req(path)).code, path).toBe(0);
  });

  it('a query string in the path is decoded as RingCentral does: + is a space, %2B a plus, no fragment, bad escapes refused', async () => {
    const contacts = `${EXT}/address-book/contact`;
    const [plus, encoded, fragment, broken] = await Promise.all([
      sb.req(`${contacts}?phoneNumber=+16505550123`),
      sb.req(`${contacts}?phoneNumber=%2B16505550123`),
      sb.req(`${EXT}/message-store?messageType=SMS#&messageType=sms`),
      sb.req(`${contacts}?startsWith=%ZZ`),
    ]);
    expect(plus.code).toBe(1);
    expect(plus.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'phoneNumber', parameterValue: ' 16505550123' });
    expect(encoded.code).toBe(0);
    expect(fragment.code).toBe(0);
    expect(fragment.json.records.every((m: any) => m.type === 'SMS')).toBe(true);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe('HTTP 400 CMN-104: Cannot parse request: malformed percent-encoding in query parameter [startsWith]\n');
  });

  it('contacts: POST 200, PUT replaces, PATCH merges, bulk GET 207, DELETE 204 prints nothing', async () => {
    const c = await sb.ok([
      'request',
      CID,
      `${EXT}/address-book/contact`,
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({ firstName: 'Put', lastName: 'Test', company: 'Old Co', unknownField: 1 }),
      '--json',
    ]);
    expect(c).toMatchObject({ firstName: 'Put', company: 'Old Co', availability: 'Alive' });
    expect(c.unknownField).toBeUndefined();
    const put = await sb.ok([
      'request',
      CID,
      `${EXT}/address-book/contact/${c.id}`,
      '-X',
      'PUT',
      '-d',
      JSON.stringify({ firstName: 'Put2' }),
      '--json',
    ]);
    expect(put.firstName).toBe('Put2');
    expect(put.lastName).toBeUndefined();
    const patch = await sb.ok([
      'request',
      CID,
      `${EXT}/address-book/contact/${c.id}`,
      '-X',
      'PATCH',
      '-d',
      JSON.stringify({ lastName: 'Back' }),
      '--json',
    ]);
    expect(patch).toMatchObject({ firstName: 'Put2', lastName: 'Back' });
    const bulk = await sb.run(['request', CID, `${EXT}/address-book/contact/${c.id},1`, '--json']);
    expect(bulk.code).toBe(0);
    expect(bulk.json.map((p: any) => p.status)).toEqual([200, 404]);
    const del = await sb.run(['request', CID, `${EXT}/address-book/contact/${c.id}`, '-X', 'DELETE', '--json']);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe('');
    const again = await sb.req(`${EXT}/address-book/contact/${c.id}`);
    expect(again.code).toBe(1);
    expect(again.json.errors[0]).toMatchObject({ errorCode: 'CMN-102', parameterName: 'contactId' });
  });

  it('message PATCH: readStatus Read/Unread and availability Alive (restore) only; bulk 207; every bad body refused with nothing changed', async () => {
    const list = await sb.ok(['request', CID, `${EXT}/message-store`, '--query', `dateFrom=${FROM}`, '--query', 'perPage=2', '--json']);
    const [a, b] = list.records;
    const patch = (ids: string, body: unknown) =>
      sb.run(['request', CID, `${EXT}/message-store/${ids}`, '-X', 'PATCH', '-d', JSON.stringify(body), '--json']);
    const read = await patch(String(a.id), { readStatus: 'Unread' });
    expect(read.code).toBe(0);
    expect(read.json).toMatchObject({ id: a.id, readStatus: 'Unread', availability: 'Alive' });
    // Restoring: a Deleted message comes back Alive; a Purged one is gone (404).
    await sb.run(['request', CID, `${EXT}/message-store/${a.id}`, '-X', 'DELETE', '--json']);
    expect((await sb.ok(['request', CID, `${EXT}/message-store/${a.id}`, '--json'])).availability).toBe('Deleted');
    expect((await patch(String(a.id), { availability: 'Alive', readStatus: 'Read' })).json).toMatchObject({
      availability: 'Alive',
      readStatus: 'Read',
    });
    for (const [body, param] of [
      [{}, 'readStatus'],
      [{ readStatus: 'read' }, 'readStatus'],
      [{ readStatus: 'Seen' }, 'readStatus'],
      [{ availability: 'Deleted' }, 'availability'],
      [{ availability: 'Purged', readStatus: 'Read' }, 'availability'],
      [[], 'body'],
    ] as const) {
      const bad = await patch(String(a.id), body);
      expect(bad.code, JSON.stringify(body)).toBe(1);
      expect(bad.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: param });
    }
    expect((await patch('12x', { readStatus: 'Read' })).json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'messageId' });
    const tooMany = Array.from({ length: 51 }, (_, i) => String(a.id + i)).join(',');
    expect((await patch(tooMany, { readStatus: 'Read' })).json.errors[0]).toMatchObject({
      errorCode: 'CMN-101',
      parameterName: 'messageId',
    });
    const after = await sb.ok(['request', CID, `${EXT}/message-store/${a.id}`, '--json']);
    expect(after).toMatchObject({ readStatus: 'Read', availability: 'Alive' });
    const bulk = await patch(`${a.id},${b.id},1`, { readStatus: 'Unread' });
    expect(bulk.code).toBe(0);
    expect(bulk.json.map((p: any) => [p.resourceId, p.status])).toEqual([
      [String(a.id), 200],
      [String(b.id), 200],
      ['1', 404],
    ]);
    expect(bulk.json[0].body.readStatus).toBe('Unread');
    const missing = await patch('1', { readStatus: 'Read' });
    expect(missing.json.errors[0]).toMatchObject({ errorCode: 'CMN-102', parameterName: 'messageId' });
  });

  it('bad JSON body is CMN-103', async () => {
    const bad = await sb.run(['request', CID, `${EXT}/address-book/contact`, '-X', 'POST', '-d', '{nope', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.errors[0].errorCode).toBe('CMN-103');
  });

  it("full URLs are used as-is on RingCentral's hosts (the media host included); any other host is refused", async () => {
    const log = `${sb.dir}/requests.log`;
    const env = { env: { MEMBRANE_SANDBOX_REQUEST_LOG: log } };
    const list = await sb.ok(['request', CID, `${EXT}/message-store?messageType=SMS&perPage=1`, '--json'], env);
    const att = list.records[0].attachments[0].uri;
    expect(att).toMatch(/^https:\/\/media\.sandbox\.invalid\/restapi\/v1\.0\//);
    const media = await sb.run(['request', CID, att, '--json'], env);
    expect(media.code).toBe(0);
    expect(media.stdout).toBe(list.records[0].subject);
    const upper = await sb.run(['request', CID, 'HTTPS://Platform.Sandbox.Invalid/restapi/v1.0/account/~', '--json'], env);
    expect(upper.code).toBe(0);
    for (const url of [
      'https://evil.example/x',
      '//evil.example/x',
      'http://platform.sandbox.invalid/restapi/v1.0/account/~',
      'https://v.sandbox.invalid/join/1',
    ]) {
      const r = await sb.run(['request', CID, url, '--json'], env);
      expect(r.code, url).toBe(1);
      expect(r.json, url).toMatchObject({ type: 'bad_request', key: 'invalid_request' });
      expect(r.stderr, url).toBe(
        `Error: The sandbox cannot reach ${url}: it serves only RingCentral's hosts https://platform.sandbox.invalid and https://media.sandbox.invalid (the real CLI would send the request, with your credentials, to any host a full URL names). Pass a path such as /restapi/v1.0/account/~, or a full URL that RingCentral's own answers gave.\n`,
      );
    }
    await sb.ok(
      [
        'action',
        'run',
        'get-message',
        '--connectionId',
        CID,
        '--input',
        JSON.stringify({ messageId: String(list.records[0].id) }),
        '--json',
      ],
      env,
    );
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const id = list.records[0].id;
    expect(lines.map(({ t, pid, error, ...rest }) => ({ ...rest, ...(error ? { error: 'refused' } : {}) }))).toEqual([
      {
        via: 'request',
        method: 'GET',
        url: `https://platform.sandbox.invalid${EXT}/message-store?messageType=SMS&perPage=1`,
        host: 'platform.sandbox.invalid',
        path: `${EXT}/message-store`,
        query: 'messageType=SMS&perPage=1',
        status: 200,
      },
      { via: 'request', method: 'GET', url: att, host: 'media.sandbox.invalid', path: new URL(att).pathname, query: '', status: 200 },
      {
        via: 'request',
        method: 'GET',
        url: 'https://platform.sandbox.invalid/restapi/v1.0/account/~',
        host: 'platform.sandbox.invalid',
        path: '/restapi/v1.0/account/~',
        query: '',
        status: 200,
      },
      {
        via: 'request',
        method: 'GET',
        url: 'https://evil.example/x',
        host: 'evil.example',
        path: '/x',
        query: '',
        status: null,
        error: 'refused',
      },
      {
        via: 'request',
        method: 'GET',
        url: '//evil.example/x',
        host: 'evil.example',
        path: '/x',
        query: '',
        status: null,
        error: 'refused',
      },
      {
        via: 'request',
        method: 'GET',
        url: 'http://platform.sandbox.invalid/restapi/v1.0/account/~',
        host: 'platform.sandbox.invalid',
        path: '/restapi/v1.0/account/~',
        query: '',
        status: null,
        error: 'refused',
      },
      {
        via: 'request',
        method: 'GET',
        url: 'https://v.sandbox.invalid/join/1',
        host: 'v.sandbox.invalid',
        path: '/join/1',
        query: '',
        status: null,
        error: 'refused',
      },
      {
        via: 'action',
        method: 'GET',
        url: `https://platform.sandbox.invalid${EXT}/message-store/${id}`,
        host: 'platform.sandbox.invalid',
        path: `${EXT}/message-store/${id}`,
        query: '',
        status: 200,
      },
    ]);
  });

  it('team-messaging extras: chats/~ is the Personal chat, teams list, bridges/default, call-log record', async () => {
    const [personal, teams, pmi, calls] = await Promise.all([
      sb.ok(['request', CID, '/team-messaging/v1/chats/~', '--json']),
      sb.ok(['request', CID, '/team-messaging/v1/teams', '--json']),
      sb.ok(['request', CID, '/rcvideo/v2/account/~/extension/~/bridges/default', '--json']),
      sb.ok(['request', CID, `${EXT}/call-log`, '--json']),
    ]);
    expect(personal.type).toBe('Personal');
    expect(teams.records.every((t: any) => t.type === 'Team')).toBe(true);
    expect(pmi.type).toBe('PMI');
    const one = await sb.ok(['request', CID, `${EXT}/call-log/${calls.records[0].id}`, '--query', 'view=Detailed', '--json']);
    expect(one.legs.length).toBeGreaterThan(0);
  });
});

describe('paging', () => {
  it('style A: walking message-store pages gives every record once (page/perPage, zero-based pageStart)', async () => {
    const { ids, total } = await walkA(`${EXT}/message-store`, 37, ['--query', `dateFrom=${FROM}`]);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(300);
  });

  it('style A: call-log pages, perPage over 1000 is clamped, empty page leaves out page fields', async () => {
    const { ids, total } = await walkA(`${EXT}/call-log`, 150, ['--query', `dateFrom=${FROM}`]);
    expect(new Set(ids).size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(400);
    const [clamped, beyond] = await Promise.all([
      sb.ok(['request', CID, `${EXT}/call-log`, '--query', 'perPage=5000', '--query', `dateFrom=${FROM}`, '--json']),
      sb.ok(['request', CID, '/restapi/v1.0/account/~/extension', '--query', 'page=99', '--json']),
    ]);
    expect(clamped.paging.perPage).toBe(1000);
    expect(clamped.navigation.nextPage).toBeUndefined();
    expect(beyond.records).toEqual([]);
    expect(beyond.paging.page).toBeUndefined();
    expect(beyond.paging.pageStart).toBeUndefined();
  });

  it('style B: chats by recordCount/pageToken; tokens carry the filters; prev token goes back', async () => {
    const first = await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'recordCount=4', '--json']);
    const all: string[] = first.records.map((c: any) => c.id);
    expect(first.navigation.prevPageToken).toBeUndefined();
    let tok = first.navigation.nextPageToken;
    let second: any;
    while (tok) {
      const j = await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', `pageToken=${tok}`, '--json']);
      second ??= j;
      expect(j.records.length).toBeLessThanOrEqual(4);
      all.push(...j.records.map((c: any) => c.id));
      tok = j.navigation.nextPageToken;
    }
    expect(new Set(all).size).toBe(all.length);
    const full = await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'recordCount=250', '--json']);
    expect(all).toEqual(full.records.map((c: any) => c.id));
    const back = await sb.ok([
      'request',
      CID,
      '/team-messaging/v1/chats',
      '--query',
      `pageToken=${second.navigation.prevPageToken}`,
      '--json',
    ]);
    expect(back.records.map((c: any) => c.id)).toEqual(first.records.map((c: any) => c.id));
    const teams1 = await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'type=Team', '--query', 'recordCount=2', '--json']);
    const teams2 = await sb.ok([
      'request',
      CID,
      '/team-messaging/v1/chats',
      '--query',
      `pageToken=${teams1.navigation.nextPageToken}`,
      '--json',
    ]);
    expect(teams2.records.every((c: any) => c.type === 'Team')).toBe(true);
    const bad = await sb.req('/team-messaging/v1/chats', '--query', 'pageToken=garbage');
    expect(bad.code).toBe(1);
    expect(bad.json.errors[0].parameterName).toBe('pageToken');
  });

  it('style B: posts newest first, no gap or repeat when a post is added between pages', async () => {
    const chats = await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'type=Team', '--json']);
    const chat = chats.records.find((c: any) => c.members.length > 1 && c.status === 'Active');
    const path = `/team-messaging/v1/chats/${chat.id}/posts`;
    const full = await sb.ok(['request', CID, path, '--query', 'recordCount=250', '--json']);
    const p1 = await sb.ok(['request', CID, path, '--query', 'recordCount=2', '--json']);
    await sb.ok(['request', CID, path, '-X', 'POST', '-d', '{"text":"inserted between pages"}', '--json']);
    const seen = p1.records.map((p: any) => p.id);
    let tok = p1.navigation.nextPageToken;
    while (tok) {
      const j = await sb.ok(['request', CID, path, '--query', `pageToken=${tok}`, '--json']);
      seen.push(...j.records.map((p: any) => p.id));
      tok = j.navigation.nextPageToken;
    }
    expect(seen).toEqual(full.records.map((p: any) => p.id));
  });

  it('style C: RC Video meeting history pages with perPage/pageToken and epoch-ms filters', async () => {
    const all: string[] = [];
    let tok: string | undefined;
    let n = 0;
    do {
      const j = await sb.ok([
        'request',
        CID,
        '/rcvideo/v1/history/meetings',
        '--query',
        'perPage=7',
        ...(tok ? ['--query', `pageToken=${tok}`] : []),
        '--json',
      ]);
      expect(j.paging.currentPageToken).toBeTruthy();
      expect(j.meetings.length).toBeLessThanOrEqual(7);
      all.push(...j.meetings.map((m: any) => m.id));
      tok = j.paging.nextPageToken;
      n++;
    } while (tok);
    expect(n).toBeGreaterThan(2);
    expect(new Set(all).size).toBe(all.length);
    const full = await sb.ok(['request', CID, '/rcvideo/v1/history/meetings', '--query', 'perPage=100', '--json']);
    expect(all).toEqual(full.meetings.map((m: any) => m.id));
    const since = Date.parse(NOW) - 7 * DAY;
    const recent = await sb.ok([
      'request',
      CID,
      '/rcvideo/v1/history/meetings',
      '--query',
      'perPage=100',
      '--query',
      `startTime=${since}`,
      '--json',
    ]);
    expect(recent.meetings.every((m: any) => Date.parse(m.startTime) >= since)).toBe(true);
    const iso = await sb.req('/rcvideo/v1/history/meetings', '--query', `startTime=${NOW}`);
    expect(iso.code).toBe(1);
    // materials=Recordings keeps the meetings with a recording; it cannot be combined with type.
    const recorded = await sb.ok([
      'request',
      CID,
      '/rcvideo/v1/history/meetings',
      '--query',
      'perPage=100',
      '--query',
      'materials=Recordings',
      '--json',
    ]);
    expect(recorded.meetings.length).toBeGreaterThan(0);
    expect(recorded.meetings.map((m: any) => m.id)).toEqual(
      full.meetings.filter((m: any) => m.recordings.length > 0).map((m: any) => m.id),
    );
    const both = await sb.req('/rcvideo/v1/history/meetings', '--query', 'materials=Recordings', '--query', 'type=All');
    expect(both.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'materials' });
    expect((await sb.req('/rcvideo/v1/history/meetings', '--query', 'materials=recordings')).json.errors[0]).toMatchObject({
      errorCode: 'CMN-101',
      parameterName: 'materials',
    });
  });
});

describe('rate limits', () => {
  it('counts per group when MEMBRANE_SANDBOX_RATE_LIMITS=1: Heavy allows 10 a minute, then 429 with Retry-After', async () => {
    const rl = sandbox({ MEMBRANE_SANDBOX_RATE_LIMITS: '1' }, { inProcess: true });
    onTestFinished(() => rl.cleanup());
    await rl.ok(['reset', '--json']);
    const heavy = `${EXT}/address-book/contact`;
    for (let i = 0; i < 10; i++) await rl.ok(['request', CID, heavy, '--query', 'perPage=1', '--json']);
    const limited = await rl.req(heavy);
    expect(limited.code).toBe(1);
    expect(limited.json).toMatchObject({ errorCode: 'CMN-301', message: 'Request rate exceeded' });
    expect(limited.stderr.trim()).toBe('HTTP 429 CMN-301: Request rate exceeded (Retry-After: 60)');
    const viaAction = await rl.act('list-contacts');
    expect(viaAction.json).toMatchObject({ type: 'connection', key: 'rate_limit_exceeded' });
    expect(viaAction.json.data.response.headers).toMatchObject({
      'Retry-After': '60',
      'X-Rate-Limit-Group': 'heavy',
      'X-Rate-Limit-Limit': '10',
    });
    // Light is counted separately.
    const light = await rl.ok(['request', CID, '/restapi/v1.0/account/~', '--json']);
    expect(light.id).toBeTypeOf('number');
  });
});

describe('company directory search and conversations', () => {
  const SEARCH = '/restapi/v1.0/account/~/directory/entries/search';
  const search = (body: unknown) => sb.run(['request', CID, SEARCH, '-X', 'POST', '-d', JSON.stringify(body), '--json']);

  it("searches the body's string in the fields named (all by default), with RingCentral's filters and paging", async () => {
    const byName = (await search({ searchString: 'HOLM', searchFields: ['lastName'], extensionTypes: ['User'] })).json;
    expect(byName.records.map((r: any) => `${r.firstName} ${r.lastName}`)).toEqual(['Skyler Holm', 'Quinn Holm']);
    expect(byName.paging).toEqual({ page: 1, perPage: 100, totalPages: 1, totalElements: 2, pageStart: 0, pageEnd: 1 });
    expect(byName.records[1]).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      type: 'User',
      status: 'Enabled',
      extensionNumber: '117',
      email: 'quinn.holm@example.com',
      phoneNumbers: [{ phoneNumber: '+14045550163', usageType: 'DirectNumber', smsAvailabilityStatus: 'Active' }],
    });
    expect(byName.navigation).toBeUndefined();
    const byNumber = (await search({ searchString: '+14045550163', searchFields: ['phoneNumber'] })).json;
    expect(byNumber.records.map((r: any) => r.extensionNumber)).toEqual(['117']);
    // Disabled users are found unless the statuses say otherwise; departments have a name, not first and last.
    expect((await search({ searchString: 'jonah' })).json.records.map((r: any) => r.status)).toEqual(['Disabled']);
    expect((await search({ searchString: 'jonah', extensionStatuses: ['Enabled'] })).json.records).toEqual([]);
    expect((await search({ searchString: 'queue', extensionTypes: ['Department'] })).json.records.map((r: any) => r.name)).toEqual([
      'Sales Queue',
      'Support Queue',
    ]);
    const page2 = (await search({ extensionTypes: ['User'], page: 2, perPage: 5 })).json;
    expect(page2.paging).toMatchObject({ page: 2, perPage: 5, pageStart: 5, pageEnd: 9, totalElements: 19 });
    const empty = (await search({ searchString: 'zzz' })).json;
    expect(empty).toEqual({ records: [], paging: { perPage: 100, totalPages: 0, totalElements: 0 } });
  });

  it('refuses a body RingCentral would refuse: CMN-101 naming the field', async () => {
    const bad: Array<[unknown, string]> = [
      [{ searchFields: ['name'] }, 'searchFields'],
      [{ searchString: 5 }, 'searchString'],
      [{ extensionTypes: 'User' }, 'extensionTypes'],
      [{ extensionStatuses: ['Frozen'] }, 'extensionStatuses'],
      [{ perPage: 1001 }, 'perPage'],
      [{ page: 0 }, 'page'],
      [{ perPage: '10' }, 'perPage'],
      [{ orderBy: [{ fieldName: 'salary' }] }, 'orderBy'],
      [[], 'body'],
    ];
    for (const [body, field] of bad) {
      const r = await search(body);
      expect(r.code, JSON.stringify(body)).toBe(1);
      expect(r.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: field });
    }
  });

  it('a conversation with the same people is the same chat: 201 when made, then that chat again', async () => {
    const users = (await sb.ok(['request', CID, '/restapi/v1.0/account/~/extension', '--query', 'type=User', '--json'])).records;
    const me = await sb.ok(['request', CID, '/restapi/v1.0/account/~/extension/~', '--json']);
    const directs = (await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'type=Direct', '--json'])).records;
    const lonely = users.find(
      (u: any) => u.id !== me.id && u.status === 'Enabled' && !directs.some((c: any) => c.members.some((m: any) => m.id === String(u.id))),
    );
    const open = (members: unknown) =>
      sb.run(['request', CID, '/team-messaging/v1/conversations', '-X', 'POST', '-d', JSON.stringify({ members }), '--json']);
    const made = await open([{ id: String(lonely.id) }]);
    expect(made.code).toBe(0);
    expect(made.json).toMatchObject({ type: 'Direct', members: [{ id: String(me.id) }, { id: String(lonely.id) }] });
    const again = await open([{ email: lonely.contact.email.toUpperCase() }, { id: String(me.id) }]);
    expect(again.json).toEqual(made.json);
    const listed = (
      await sb.ok(['request', CID, '/team-messaging/v1/chats', '--query', 'type=Direct', '--query', 'recordCount=250', '--json'])
    ).records;
    expect(listed.filter((c: any) => c.id === made.json.id)).toHaveLength(1);
    expect(
      (await sb.run(['request', CID, `/team-messaging/v1/chats/${made.json.id}/posts`, '-X', 'POST', '-d', '{"text":"hi"}', '--json']))
        .code,
    ).toBe(0);
    const personal = await open([]);
    expect(personal.json.type).toBe('Personal');
    const group = await open(users.slice(1, 3).map((u: any) => ({ id: String(u.id) })));
    expect(group.json.type).toBe('Group');
    expect(
      (
        await open(
          users
            .slice(2, 1)
            .concat(users.slice(1, 3))
            .map((u: any) => ({ id: String(u.id) })),
        )
      ).json.id,
    ).toBe(group.json.id);
    for (const [members, field] of [
      [[{ id: '1' }], 'members[0].id'],
      [[{ email: 'stranger@elsewhere.example' }], 'members[0].email'],
      [[{}], 'members[0]'],
      ['x', 'members'],
      [Array.from({ length: 16 }, () => ({ id: String(me.id) })), 'members'],
    ] as const) {
      const r = await open(members);
      expect(r.code, JSON.stringify(members)).toBe(1);
      expect(r.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: field });
    }
  });
});
