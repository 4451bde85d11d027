/**
 * tools/proxy.ts: the guarded API proxy. Relative paths under RingCentral's API roots only, plain
 * query names, allowlisted headers, JSON bodies, and no change to a whole collection.
 */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { inputSchema } from '../../src/mcp/schemas.js';
import type { ToolDefinition } from '../../tools/contract.js';
import { selectTools } from '../../tools/index.js';
import { endpointSegments, refuseMessageSend } from '../../tools/proxy.js';
import { caught } from './caught.js';
import { toolNamed } from './scripted-cli.js';

const proxy = toolNamed('ringcentral_api_request');
const readOnly = selectTools({ readOnly: true }).find((d) => d.name === 'ringcentral_api_request')!;

/** 'ok', or each problem as "field: message" (schema first, then the cross-field rule), or a refusal as "code: message". */
function problems(input: Record<string, unknown>, def: ToolDefinition = proxy): string[] | 'ok' {
  const parsed = inputSchema(def).safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  try {
    const problem = def.validate?.(parsed.data);
    return problem ? [problem] : 'ok';
  } catch (error) {
    if (error instanceof ToolError) return [`${error.code}: ${error.message}`];
    throw error;
  }
}
const get = (path: string, more: Record<string, unknown> = {}) => problems({ method: 'GET', path, ...more });
const PATH_RULE =
  'path: must be a relative RingCentral path starting with /restapi/, /team-messaging/, /rcvideo/, /ai/, /analytics/, /webinar/ (no URL, query string or encoded characters)';
const CONTROL = 'must not contain CR, LF or other control characters';

describe('path', () => {
  it('takes a relative path under each API root, with a trailing slash or not', () => {
    for (const root of ['restapi', 'team-messaging', 'rcvideo', 'ai', 'analytics', 'webinar']) {
      expect(get(`/${root}/v1/x`), root).toBe('ok');
    }
    for (const path of ['/restapi/v1.0/account/~/extension/~/presence', '/restapi/a_b.c~d,e:f@g*h=i+j-k/x/', '/restapi/x']) {
      expect(get(path), path).toBe('ok');
    }
  });

  it('refuses URLs, other roots, query strings, encodings, empty segments and anything around the path', () => {
    for (const path of [
      'https://platform.ringcentral.com/restapi/v1.0',
      'restapi/v1.0',
      '/restapi',
      '/restapi/',
      '/other/v1',
      '/xrestapi/v1',
      '/restapi/v1.0?x=1',
      '/restapi/v1.0/%2e%2e',
      '/restapi//x',
      '/restapi/v1.0#x',
      '/restapi/v 1',
      ' /restapi/v1',
      '/restapi/v1 ',
      '/restapi/v1\n',
      '/restapi/v1.0//',
    ]) {
      expect(get(path), path).toEqual([PATH_RULE]);
    }
  });

  it('refuses "." and ".." segments, and paths over 2,000 characters', () => {
    expect(get('/restapi/v1.0/../x')).toEqual(['path: must not contain "." or ".." segments']);
    expect(get('/restapi/./x')).toEqual(['path: must not contain "." or ".." segments']);
    expect(get('/restapi/x..y/.z')).toBe('ok');
    expect(get(`/restapi/${'a'.repeat(1991)}`)).toBe('ok');
    expect(get(`/restapi/${'a'.repeat(1992)}`)).toEqual(['path: Too big: expected string to have <=2000 characters']);
  });
});

describe('query, headers and body', () => {
  it('query: plain names, values without control characters, 100 pairs and 16,000 bytes at most', () => {
    expect(
      get('/restapi/x', {
        query: [
          { name: 'a', value: '1' },
          { name: 'Z_9.[x]-y', value: 'ü €' },
          { name: 'a', value: '' },
        ],
      }),
    ).toBe('ok');
    expect(get('/restapi/x', { query: [{ name: `a${'b'.repeat(63)}`, value: '1' }] })).toBe('ok');
    for (const name of ['', '1a', '_a', 'a b', 'a=b', `a${'b'.repeat(64)}`, 'a&b']) {
      expect(get('/restapi/x', { query: [{ name, value: '1' }] }), name).toEqual(['query.0.name: must be a plain parameter name']);
    }
    for (const value of ['a\nb', 'a\rb', '\u0000', '\u001f', '\u007f']) {
      expect(get('/restapi/x', { query: [{ name: 'a', value }] }), JSON.stringify(value)).toEqual([`query.0.value: ${CONTROL}`]);
    }
    expect(get('/restapi/x', { query: [{ name: 'a', value: 'v'.repeat(2001) }] })).toEqual([
      'query.0.value: Too big: expected string to have <=2000 characters',
    ]);
    expect(get('/restapi/x', { query: Array.from({ length: 100 }, () => ({ name: 'a', value: '1' })) })).toBe('ok');
    expect(get('/restapi/x', { query: Array.from({ length: 101 }, () => ({ name: 'a', value: '1' })) })).toEqual([
      'query: Too big: expected array to have <=100 items',
    ]);
    const pairs = (n: number, last: number) => [
      ...Array.from({ length: n }, () => ({ name: 'q', value: 'v'.repeat(1997) })),
      { name: 'q', value: 'v'.repeat(last) },
    ];
    // 8 × (1 + 1997 + 1) = 15,992 bytes, and one more pair of 8 or 9
    expect(get('/restapi/x', { query: pairs(8, 6) })).toBe('ok');
    expect(get('/restapi/x', { query: pairs(8, 7) })).toEqual(['query: must be at most 16000 bytes in all']);
    expect(get('/restapi/x', { query: [{ name: 'q', value: 'é'.repeat(1000) }, ...pairs(7, 1997).slice(1)] })).toBe('ok');
    expect(get('/restapi/x', { query: [{ name: 'a', value: '1', extra: 1 }] })).toEqual(['query.0: Unrecognized key: "extra"']);
  });

  it('headers: five names, values without control characters', () => {
    const all = ['Accept', 'Content-Type', 'Accept-Language', 'If-Match', 'If-None-Match'].map((name) => ({ name, value: 'x' }));
    expect(get('/restapi/x', { headers: all })).toBe('ok');
    expect(get('/restapi/x', { headers: [...all, { name: 'Accept', value: 'y' }] })).toEqual([
      'headers: Too big: expected array to have <=5 items',
    ]);
    expect(get('/restapi/x', { headers: [{ name: 'Authorization', value: 'x' }] })[0]).toMatch(
      /^headers\.0\.name: must be one of Accept, Content-Type, Accept-Language, If-Match, If-None-Match$/,
    );
    expect(get('/restapi/x', { headers: [{ name: 'Accept', value: 'a\r\nX-Evil: 1' }] })).toEqual([`headers.0.value: ${CONTROL}`]);
    expect(get('/restapi/x', { headers: [{ name: 'Accept', value: 'v'.repeat(501) }] })).toEqual([
      'headers.0.value: Too big: expected string to have <=500 characters',
    ]);
  });

  it('body: JSON text of an object or array, bounded in depth and size', () => {
    const post = (body: string) => problems({ method: 'POST', path: '/restapi/x', body });
    expect(post('{"text":"hi"}')).toBe('ok');
    expect(post('[1,2]')).toBe('ok');
    for (const body of ['', 'hi', '1', 'null', '"x"', '{'])
      expect(post(body), body).toEqual(['body: must be JSON text of an object or array, e.g. {"text":"hi"}']);
    expect(post(`${'['.repeat(33)}${']'.repeat(33)}`)).toEqual(['body: nested deeper than the limit of 32 levels']);
    expect(post(`${'['.repeat(32)}${']'.repeat(32)}`)).toBe('ok');
    expect(post(JSON.stringify({ a: 'x'.repeat(100_000) }))).toEqual(['body: 100008 bytes as JSON, over the limit of 100000']);
    // Checked before parsing: the lossless parser (for int64 ids) would exhaust its stack.
    expect(post(`${'['.repeat(100_000)}1234567890123456789${']'.repeat(100_000)}`)).toEqual([
      'body: nested deeper than the limit of 32 levels',
    ]);
    const codes = (body: string) => {
      const parsed = inputSchema(proxy).safeParse({ method: 'POST', path: '/restapi/x', body });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.code);
    };
    expect([
      codes('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'),
      codes('1'),
      codes(JSON.stringify(['x'.repeat(100_000)])),
    ]).toEqual([['custom'], ['custom'], ['custom']]);
  });
});

describe('what the proxy refuses, confirms and sends', () => {
  const COLLECTIONS = [
    'message-store',
    'messages',
    'contact',
    'address-book',
    'call-log',
    'active-calls',
    'chats',
    'conversations',
    'posts',
    'teams',
    'bridges',
    'meetings',
    'extension',
    'notes',
    'tasks',
    'events',
    'favorites',
    'phone-number',
    'device',
    'subscription',
    'sms',
    'fax',
    'company-pager',
    'recordings',
    'greeting',
    'answering-rule',
    'call-queues',
    'ivr-menus',
    'sites',
    'users',
    'groups',
    'favorite',
    'forwarding-number',
    'phone-numbers',
    'webhooks',
  ];

  it('no DELETE, PUT or PATCH on a whole collection; any of them on one record; POST anywhere but where it sends a message', () => {
    const sends = new Set(['sms', 'fax', 'company-pager']);
    for (const collection of COLLECTIONS) {
      for (const method of ['DELETE', 'PUT', 'PATCH']) {
        expect(problems({ method, path: `/restapi/v1.0/account/~/${collection}` })[0], `${method} ${collection}`).toMatch(
          sends.has(collection)
            ? /^not_allowed: /
            : `path: ${method} on the collection "${collection}" would change every record in it; name one record (its id as the last segment)`,
        );
      }
      if (!sends.has(collection)) expect(problems({ method: 'POST', path: `/restapi/v1.0/account/~/${collection}` })).toBe('ok');
      expect(problems({ method: 'DELETE', path: `/restapi/v1.0/account/~/${collection}/123` })).toBe('ok');
    }
    expect(problems({ method: 'DELETE', path: '/restapi/v1.0/account/~/Message-Store/' })).toEqual([
      'path: DELETE on the collection "message-store" would change every record in it; name one record (its id as the last segment)',
    ]);
  });

  it('no DELETE, PUT or PATCH on a wildcard or an id list with an empty entry; a list of ids and "~" are records', () => {
    const refused = (method: string, last: string) => [
      `path: ${method} needs a record id as the last segment, not "${last}" (a wildcard, or an empty id in a list, would change every record)`,
    ];
    const store = '/restapi/v1.0/account/~/extension/~/message-store';
    for (const method of ['DELETE', 'PUT', 'PATCH']) {
      expect(problems({ method, path: `${store}/*` }), method).toEqual(refused(method, '*'));
      expect(problems({ method, path: `${store}/123*` }), method).toEqual(refused(method, '123*'));
      expect(problems({ method, path: `${store}/1,,2` }), method).toEqual(refused(method, '1,,2'));
      expect(problems({ method, path: `${store}/1,` }), method).toEqual(refused(method, '1,'));
      expect(problems({ method, path: `${store}/,` }), method).toEqual(refused(method, ','));
      expect(problems({ method, path: `${store}/1,2,AB` }), method).toBe('ok');
    }
    expect(problems({ method: 'PUT', path: '/restapi/v1.0/account/~/extension/~' })).toBe('ok');
    expect(problems({ method: 'POST', path: `${store}/*` })).toBe('ok');
    expect(get(`${store}/*`)).toBe('ok');
  });

  it('a GET carries no body', () => {
    expect(get('/restapi/x', { body: '{}' })).toEqual(['body: a GET request has no body; put parameters in query']);
    expect(problems({ method: 'DELETE', path: '/restapi/v1.0/x/1', body: '{}' })).toBe('ok');
  });

  it('asks for confirmation of everything but GET, and previews the request as it will be sent', async () => {
    expect(proxy.needsConfirmation?.({ method: 'GET', path: '/restapi/x' })).toBe(false);
    expect(proxy.needsConfirmation?.({ method: 'DELETE', path: '/restapi/x' })).toBe(true);
    const input = {
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
      query: [{ name: 'a', value: '1' }],
      headers: [{ name: 'Accept', value: 'application/json' }],
      body: '{"id":12345678901234567890,"to":[1]}',
    };
    const spec = proxy.exec.via === 'request' ? proxy.exec.call(input) : undefined;
    expect(spec).toMatchObject({
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
      query: [['a', '1']],
      headers: [['Accept', 'application/json']],
      bodyText: '{"id":12345678901234567890,"to":[1]}',
    });
    // Parsed without losing digits: the int64 id stays exact.
    expect(String((spec?.body as { id: unknown }).id)).toBe('12345678901234567890');
    expect(Object.keys(spec ?? {})).toEqual(['method', 'path', 'query', 'headers', 'body', 'bodyText']);
    expect(await proxy.preview!(input as never, undefined as never)).toStrictEqual({
      action: 'POST /restapi/v1.0/account/~/extension/~/address-book/contact',
      ...spec,
    });
    expect(proxy.exec.via === 'request' && proxy.exec.call({ method: 'GET', path: '/restapi/x' })).toStrictEqual({
      method: 'GET',
      path: '/restapi/x',
      query: [],
      headers: [],
    });
  });

  it('read-only mode has a GET-only proxy, said in its description', () => {
    expect(readOnly.kind).toBe('read');
    expect(readOnly.description).toBe('Any RingCentral REST call, for what other tools lack. GET only.');
    expect(proxy.description).toBe('Any RingCentral REST call, for what other tools lack. Non-GET needs confirmation.');
    expect(problems({ method: 'GET', path: '/restapi/x' }, readOnly)).toBe('ok');
    expect(problems({ method: 'POST', path: '/restapi/x' }, readOnly)).toEqual(['method: Invalid input: expected "GET"']);
    expect(readOnly.readOnlyForm).toBeUndefined();
  });
});

describe('the proxy sends no message: SMS, pager and fax go through their own checks', () => {
  const FIX = 'send an SMS with ringcentral_send_sms; a pager message or a fax has no tool here: send it from the RingCentral app';
  const refused = (method: string, path: string) => {
    const error = caught(() => refuseMessageSend({ method, path }));
    expect(error.details).toStrictEqual({ fix: FIX });
    return `${error.code}: ${error.message}`;
  };
  const said = (method: string, path: string, what: string) =>
    `not_allowed: ${method} ${path} would send ${what}: the proxy does not send messages, as it would skip the sender check and the duplicate window of ringcentral_send_sms; nothing was sent`;

  it('refuses POST to .../sms, .../company-pager, .../fax and a2p-sms batches, naming ringcentral_send_sms', () => {
    const base = '/restapi/v1.0/account/~/extension/~';
    expect(refused('POST', `${base}/sms`)).toBe(said('POST', `${base}/sms`, 'an SMS'));
    expect(refused('POST', `${base}/company-pager`)).toBe(said('POST', `${base}/company-pager`, 'a pager message'));
    expect(refused('POST', `${base}/fax`)).toBe(said('POST', `${base}/fax`, 'a fax'));
    expect(refused('POST', '/restapi/v1.0/account/~/a2p-sms/batches')).toBe(
      said('POST', '/restapi/v1.0/account/~/a2p-sms/batches', 'SMS in bulk'),
    );
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(refused(method, `${base}/sms`)).toMatch(/^not_allowed: /);
  });

  it('whatever the spelling of the path', () => {
    const spellings = [
      '/restapi/v1.0/account/~/extension/~/sms',
      '/restapi/v1.0/account/37439510/extension/1234567890123456789/sms',
      '/restapi/v1.0/account/~/extension/~/sms/',
      '/restapi/v1.0/account/~/extension/~/sms//',
      '/restapi/v1.0/account/~/extension/~/SMS',
      '/RESTAPI/v1.0/Account/~/Extension/~/Sms',
      '/restapi/v1.0/account/~/extension/~/%73%6D%73',
      '/restapi/v1.0/account/~/extension/~/%2573ms',
      '/restapi/v1.0/account/~/extension/~%2Fsms',
      '/restapi//v1.0/account/~/extension/~//sms',
      '/restapi/v1.0/account/~/extension/~/./sms',
      '/restapi/v1.0/account/~/extension/~/sms/.',
      '/restapi/v1.0/account/~/extension/~/x/../sms',
      '/restapi/v1.0/account/~/extension/~/sms/x/..',
      '/restapi/v1.0/account/~/extension/~/sms?x=1',
      '/restapi/v1.0/account/~/extension/~/sms#x',
      '/restapi/v1.0/account/~/extension/~/sms;v=1',
      '/restapi/v1.0/account/~/extension/~\\sms',
      '/account/~/extension/~/sms',
      '/account/37439510/extension/101/sms/',
      'account/~/extension/~/sms',
      '/restapi/v1.0/account/~/extension/~/%E0%A4%A/../sms',
    ];
    for (const path of spellings) {
      expect(endpointSegments(path).at(-1), path).toBe('sms');
      expect(refused('POST', path), path).toBe(said('POST', path, 'an SMS'));
    }
    expect(refused('POST', '/account/~/extension/~/Company-Pager/')).toMatch(/would send a pager message/);
    expect(refused('POST', '/restapi/v1.0/account/~/extension/~/%66ax?x')).toMatch(/would send a fax/);
  });

  it('lets GET and every other endpoint through', () => {
    expect(() => refuseMessageSend({ method: 'GET', path: '/restapi/v1.0/account/~/extension/~/sms' })).not.toThrow();
    for (const path of [
      '/restapi/v1.0/account/~/extension/~/sms/..',
      '/restapi/v1.0/account/~/extension/~/sms/1',
      '/restapi/v1.0/account/~/extension/~/sms-x',
      '/restapi/v1.0/account/~/extension/~/message-store',
      '/restapi/v1.0/account/~/a2p-sms/opt-outs',
      '/restapi/v1.0/account/~/extension/~/address-book/contact',
    ]) {
      expect(() => refuseMessageSend({ method: 'POST', path }), path).not.toThrow();
    }
  });

  it('through the tool: the schema refuses the spelling, or the send is not_allowed; never ok', () => {
    for (const path of [
      '/restapi/v1.0/account/~/extension/~/sms',
      '/restapi/v1.0/account/1/extension/2/sms/',
      '/restapi/v1.0/account/~/extension/~/SMS',
      '/restapi/v1.0/account/~/extension/~/Fax',
      '/restapi/v1.0/account/~/extension/~/company-pager',
    ]) {
      expect(problems({ method: 'POST', path, body: '{"text":"hi"}' })[0], path).toMatch(
        /^not_allowed: POST .* would send .*ringcentral_send_sms; nothing was sent$/,
      );
    }
    for (const path of [
      '/restapi/v1.0/account/~/extension/~/%73ms',
      '/restapi//v1.0/account/~/extension/~/sms',
      '/account/~/extension/~/sms',
    ]) {
      expect(problems({ method: 'POST', path, body: '{"text":"hi"}' }), path).not.toBe('ok');
    }
  });
});
