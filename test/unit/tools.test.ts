/**
 * tools/index.ts selectTools + src/mcp/schemas.ts: tool names, the Membrane actions, annotations,
 * read-only mode, toolsets, and the input schemas that keep bad input away from the CLI.
 */
import { describe, expect, it } from 'vitest';
import { annotations, inputSchema, isConfirmable, outputSchema, LIST_OUTPUT, WRITE_OUTPUT } from '../../src/mcp/schemas.js';
import { registry, selectTools, TOOLSETS, type ToolDefinition } from '../../tools/index.js';
import { ACTION_KEYS, toolOfAction } from '../registry.js';

const all = selectTools();
const byName = (name: string, tools: ToolDefinition[] = all): ToolDefinition => {
  const def = tools.find((d) => d.name === name);
  if (!def) throw new Error(`no tool ${name}`);
  return def;
};
const accepts = (def: ToolDefinition, input: unknown) => inputSchema(def).safeParse(input).success;

describe('tool names', () => {
  it('every tool name is a valid MCP name starting with ringcentral_', () => {
    expect(all.length).toBeGreaterThan(20);
    for (const def of all) {
      expect(def.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(def.name.startsWith('ringcentral_')).toBe(true);
    }
  });

  it('names are unique', () => {
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
  });

  it('selectTools() with no filter is the whole registry', () => {
    expect(all.map((d) => d.name)).toEqual(registry.map((d) => d.name));
  });

  it.each(ACTION_KEYS.filter((key) => key !== 'update-contact'))(
    'the action %s has its tool, named for it, which can run exactly that action or its REST equivalent',
    (key) => {
      const def = toolOfAction(key);
      expect(def.name).toBe(`ringcentral_${key.replace(/-/g, '_')}`);
      expect(def.exec.via).toBe('either');
      expect(def.exec.via === 'either' && def.exec.action.key).toBe(key);
    },
  );

  it("update_contact takes RingCentral's partial PATCH only: a connector's update may replace the whole record", () => {
    const exec = byName('ringcentral_update_contact').exec;
    expect(exec.via).toBe('rest');
    expect(exec.via === 'rest' && exec.why).toMatch(/^an update must never clear fields the person did not name/);
  });

  it('every tool has a title, a description and a known toolset', () => {
    for (const def of all) {
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.description.length).toBeGreaterThan(20);
      expect(TOOLSETS).toContain(def.toolset);
    }
  });
});

describe('annotations', () => {
  it('delete_*, send_sms and update_contact are destructive', () => {
    const destructive = all.filter(
      (d) => /^ringcentral_delete_/.test(d.name) || ['ringcentral_send_sms', 'ringcentral_update_contact'].includes(d.name),
    );
    expect(destructive.length).toBeGreaterThanOrEqual(5);
    for (const def of destructive) {
      expect(annotations(def).destructiveHint, def.name).toBe(true);
      expect(annotations(def).readOnlyHint, def.name).toBe(false);
    }
  });

  it('list_ and get_ tools are read-only', () => {
    const reads = all.filter((d) => /^ringcentral_(list|get)_/.test(d.name));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((d) => d.kind === 'read')).toBe(true);
    for (const def of reads) {
      expect(annotations(def).readOnlyHint, def.name).toBe(true);
      expect(annotations(def).destructiveHint, def.name).not.toBe(true);
    }
  });

  it('every tool is open-world and hints agree with its kind', () => {
    for (const def of all) {
      const a = annotations(def);
      expect(a.openWorldHint, def.name).toBe(true);
      expect(a.readOnlyHint, def.name).toBe(def.kind === 'read');
      // destructiveHint is meaningful only for writes: true exactly for destructive tools.
      expect(a.destructiveHint === true, def.name).toBe(def.kind === 'destructive');
      if (def.kind === 'write') expect(a.destructiveHint, def.name).toBe(false);
    }
  });

  it('every destructive tool asks for confirmation and has a preview', () => {
    for (const def of all.filter((d) => d.kind === 'destructive')) {
      expect(isConfirmable(def), def.name).toBe(true);
      expect(typeof def.preview, def.name).toBe('function');
      expect(Object.keys(inputSchema(def).shape)).toEqual(expect.arrayContaining(['dryRun', 'confirmationToken']));
    }
  });

  it('output schemas follow the kind', () => {
    expect(outputSchema(byName('ringcentral_list_messages'))).toBe(LIST_OUTPUT);
    expect(outputSchema(byName('ringcentral_send_sms'))).toBe(WRITE_OUTPUT);
    expect(outputSchema(byName('ringcentral_create_contact'))).toBe(WRITE_OUTPUT);
  });
});

describe('read-only mode', () => {
  const readOnly = selectTools({ readOnly: true });

  it('exposes no write or destructive tool except the GET-only API proxy', () => {
    expect(readOnly.length).toBeGreaterThan(10);
    for (const def of readOnly) {
      expect(def.kind, def.name).toBe('read');
      expect(annotations(def).readOnlyHint).toBe(true);
      expect(annotations(def).destructiveHint).not.toBe(true);
    }
    const names = readOnly.map((d) => d.name);
    for (const hidden of [
      'ringcentral_send_sms',
      'ringcentral_delete_message',
      'ringcentral_create_contact',
      'ringcentral_update_contact',
      'ringcentral_create_chat_post',
      'ringcentral_run_action',
    ]) {
      expect(names).not.toContain(hidden);
    }
    expect(names).toContain('ringcentral_list_messages');
    expect(names).toContain('ringcentral_status');
  });

  it('keeps every read tool of the full registry', () => {
    const reads = all.filter((d) => d.kind === 'read').map((d) => d.name);
    expect(readOnly.map((d) => d.name)).toEqual(expect.arrayContaining(reads));
  });

  it('ringcentral_api_request is there, GET only', () => {
    const proxy = byName('ringcentral_api_request', readOnly);
    expect(proxy.kind).toBe('read');
    expect(accepts(proxy, { method: 'GET', path: '/restapi/v1.0/account/~' })).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'get']) {
      expect(accepts(proxy, { method, path: '/restapi/v1.0/account/~' }), method).toBe(false);
    }
    expect(proxy.needsConfirmation?.({ method: 'GET', path: '/restapi/v1.0/account/~' })).toBe(false);
  });

  it('the full proxy accepts every method and needs confirmation for non-GET', () => {
    const proxy = byName('ringcentral_api_request');
    expect(proxy.kind).toBe('destructive');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(accepts(proxy, { method, path: '/restapi/v1.0/account/~/extension/~/presence' }), method).toBe(true);
    }
    expect(proxy.needsConfirmation?.({ method: 'POST', path: '/x' })).toBe(true);
    expect(proxy.needsConfirmation?.({ method: 'GET', path: '/x' })).toBe(false);
  });

  it('read-only wins over toolsets and tool names', () => {
    const tools = selectTools({ readOnly: true, toolsets: ['messaging'], tools: ['ringcentral_create_contact'] });
    expect(tools.map((d) => d.name).sort()).toEqual(['ringcentral_get_message', 'ringcentral_list_messages']);
  });
});

describe('toolsets filter', () => {
  it('returns only the tools of the named toolsets', () => {
    const tools = selectTools({ toolsets: ['messaging', 'calls'] });
    expect(tools.length).toBeGreaterThan(0);
    expect(new Set(tools.map((d) => d.toolset))).toEqual(new Set(['messaging', 'calls']));
    expect(tools.map((d) => d.name)).toEqual(all.filter((d) => d.toolset === 'messaging' || d.toolset === 'calls').map((d) => d.name));
  });

  it('every toolset has at least one tool', () => {
    for (const set of TOOLSETS) expect(selectTools({ toolsets: [set] }).length, set).toBeGreaterThan(0);
  });

  it('tool names add to toolsets', () => {
    const names = selectTools({ toolsets: ['meetings'], tools: ['ringcentral_status'] }).map((d) => d.name);
    expect(names).toContain('ringcentral_status');
    expect(names).toContain('ringcentral_get_meeting');
    expect(names).not.toContain('ringcentral_list_messages');
  });

  it('tool names alone select just those tools', () => {
    expect(selectTools({ tools: ['ringcentral_send_sms'] }).map((d) => d.name)).toEqual(['ringcentral_send_sms']);
  });

  it('an unknown toolset throws, naming it and the known ones', () => {
    expect(() => selectTools({ toolsets: ['messaging', 'sms'] })).toThrow(/unknown toolset.*sms.*known: account/);
  });

  it('an unknown tool name throws', () => {
    expect(() => selectTools({ tools: ['ringcentral_fax'] })).toThrow(/unknown tool.*ringcentral_fax/);
  });
});

describe('inputSchema: general', () => {
  it('rejects unknown keys on every tool', () => {
    for (const def of all) expect(accepts(def, { surprise: 1 }), def.name).toBe(false);
  });

  it('list tools get limit, cursor, view and fields; limits are bounded', () => {
    const def = byName('ringcentral_list_messages');
    expect(accepts(def, { limit: 25, cursor: 'abc', view: 'full', fields: ['subject', 'from.name'] })).toBe(true);
    expect(accepts(def, { limit: 0 })).toBe(false);
    expect(accepts(def, { limit: 1001 })).toBe(false);
    expect(accepts(def, { limit: 2.5 })).toBe(false);
    expect(accepts(def, { view: 'raw' })).toBe(false);
    expect(accepts(def, { fields: ['a..b'] })).toBe(false);
    expect(accepts(def, { fields: ['$(rm)'] })).toBe(false);
    expect(accepts(byName('ringcentral_list_chats'), { limit: 251 })).toBe(false);
  });

  it('read tools have no dryRun/confirmationToken, write tools have dryRun', () => {
    expect(accepts(byName('ringcentral_get_account_info'), { dryRun: true })).toBe(false);
    expect(accepts(byName('ringcentral_create_contact'), { firstName: 'A', dryRun: true })).toBe(true);
    expect(accepts(byName('ringcentral_create_contact'), { firstName: 'A', confirmationToken: 'x' })).toBe(false);
  });
});

describe('inputSchema: ringcentral_api_request', () => {
  const proxy = byName('ringcentral_api_request');
  const get = (path: unknown, extra: Record<string, unknown> = {}) => accepts(proxy, { method: 'GET', path, ...extra });

  it('accepts relative paths under the RingCentral API roots', () => {
    for (const path of [
      '/restapi/v1.0/account/~/extension/~/presence',
      '/team-messaging/v1/chats',
      '/rcvideo/v2/bridges/abc-123',
      '/restapi/v1.0/account/~/extension/~/message-store/1,2',
      '/restapi/v1.0/',
    ]) {
      expect(get(path), path).toBe(true);
    }
  });

  it.each([
    'https://evil.com/x',
    'http://platform.ringcentral.com/restapi/v1.0/account/~',
    '//evil.com',
    '//evil.com/restapi/v1.0',
    '/restapi/../x',
    '/restapi/v1.0/../../x',
    '/restapi/./v1.0',
    '/restapi/v1.0/..',
    '/restapi/v1.0/%2e%2e/x',
    '/restapi/v1.0/%2E%2E/x',
    '/restapi/v1.0/account%2F..',
    '-X',
    '--data=x',
    '/other/v1',
    'restapi/v1.0/account/~',
    '/restapi',
    '/restapi/v1.0/account/~\n',
    '/restapi/v1.0/account/~\r\nX-Evil: 1',
    '/restapi/v1.0/account/~?foo=bar',
    '/restapi/v1.0/account/~#frag',
    '/restapi/v1.0/a b',
    '/restapi/v1.0\\..\\x',
    '',
  ])('rejects the path %j', (path) => {
    expect(get(path)).toBe(false);
  });

  it('rejects a non-string path and a missing path', () => {
    expect(get(42)).toBe(false);
    expect(accepts(proxy, { method: 'GET' })).toBe(false);
  });

  it('accepts allowlisted headers and rejects CRLF, control characters and Authorization', () => {
    const path = '/restapi/v1.0/account/~';
    const headers = (...pairs: Array<[string, string]>) => ({ headers: pairs.map(([name, value]) => ({ name, value })) });
    expect(get(path, headers(['Accept', 'application/json'], ['Accept-Language', 'en-US']))).toBe(true);
    expect(get(path, headers(['Accept', 'application/json\r\nAuthorization: Bearer x']))).toBe(false);
    expect(get(path, headers(['Accept', 'application/json\nX: y']))).toBe(false);
    expect(get(path, headers(['Content-Type', 'a\u0000b']))).toBe(false);
    expect(get(path, headers(['Authorization', 'Bearer abc']))).toBe(false);
    expect(get(path, headers(['authorization', 'Bearer abc']))).toBe(false);
    expect(get(path, headers(['Cookie', 'x=1']))).toBe(false);
    expect(get(path, { headers: { Accept: 'application/json' } })).toBe(false); // a map is not the declared form
  });

  it('checks query names and values (name/value pairs; a repeated name sends several values)', () => {
    const path = '/restapi/v1.0/account/~/extension/~/message-store';
    const query = (...pairs: Array<[string, string]>) => ({ query: pairs.map(([name, value]) => ({ name, value })) });
    expect(get(path, query(['messageType', 'SMS'], ['messageType', 'Fax'], ['perPage', '100'], ['x.y', 'true']))).toBe(true);
    expect(get(path, query(['-X', 'POST']))).toBe(false);
    expect(get(path, query(['a b', '1']))).toBe(false);
    expect(get(path, query(['ok', 'line\nbreak']))).toBe(false);
    expect(get(path, { query: [{ name: 'perPage', value: 100 }] })).toBe(false);
  });

  it('takes the body as JSON text of an object or array', () => {
    const path = '/restapi/v1.0/account/~/extension/~/sms';
    const post = (body: unknown) => accepts(proxy, { method: 'POST', path, body });
    expect(post('{"text":"hi","to":[{"phoneNumber":"+16505550123"}]}')).toBe(true);
    expect(post('[1,2]')).toBe(true);
    for (const bad of ['not json', '"a string"', '42', 'null', { text: 'hi' }]) expect(post(bad), JSON.stringify(bad)).toBe(false);
  });
});

describe('inputSchema: ringcentral_send_sms', () => {
  const sms = byName('ringcentral_send_sms');

  it('accepts E.164 recipients and 1..1000 characters', () => {
    expect(accepts(sms, { to: ['+16505550123'], text: 'hi' })).toBe(true);
    expect(accepts(sms, { to: ['+16505550123', '+442071838750'], text: 'x'.repeat(1000), from: '+16505550100' })).toBe(true);
  });

  it('accepts numbers as people write them and names: they are resolved before any preview', () => {
    for (const to of ['16505550123', '+1 650 555 0123', '(650) 555-0123', 'Quinn Sato', 'quinn.sato@example.com', 'Zoë O’Brien']) {
      expect(accepts(sms, { to: [to], text: 'hi' }), to).toBe(true);
    }
  });

  it.each([['--help'], ['-x'], [''], [' Quinn'], ['Quinn\nSato'], ['tab\there'], ['x'.repeat(101)]])('rejects the recipient %j', (to) => {
    expect(accepts(sms, { to: [to], text: 'hi' })).toBe(false);
  });

  it('rejects a missing, empty or non-array to', () => {
    expect(accepts(sms, { text: 'hi' })).toBe(false);
    expect(accepts(sms, { to: [], text: 'hi' })).toBe(false);
    expect(accepts(sms, { to: '+16505550123', text: 'hi' })).toBe(false);
  });

  it('rejects empty text and 1001 characters; accepts exactly 1000', () => {
    expect(accepts(sms, { to: ['+16505550123'], text: '' })).toBe(false);
    expect(accepts(sms, { to: ['+16505550123'], text: 'x'.repeat(1001) })).toBe(false);
    expect(accepts(sms, { to: ['+16505550123'], text: 'x'.repeat(1000) })).toBe(true);
  });

  it('rejects a from that is not E.164 and a bad idempotencyKey', () => {
    expect(accepts(sms, { to: ['+16505550123'], text: 'hi', from: '6505550100' })).toBe(false);
    expect(accepts(sms, { to: ['+16505550123'], text: 'hi', idempotencyKey: 'a b' })).toBe(false);
  });
});

describe('inputSchema: ids', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['ringcentral_get_message', 'messageId', {}],
    ['ringcentral_delete_message', 'messageId', {}],
    ['ringcentral_get_contact', 'contactId', {}],
    ['ringcentral_update_contact', 'contactId', { firstName: 'A' }],
    ['ringcentral_delete_contact', 'contactId', {}],
  ];

  for (const [tool, field, extra] of cases) {
    it(`${tool}: ${field} accepts digits only`, () => {
      const def = byName(tool);
      expect(accepts(def, { [field]: '1234567890', ...extra })).toBe(true);
      // A number is an id as lists give it; a fraction, a negative or an inexact one is not.
      expect(accepts(def, { [field]: 1234567890, ...extra })).toBe(true);
      for (const bad of ['--help', '../1', '', '1 2', '-1', '1/2', '~', '1\n', 'abc', 1.5, -1, 2 ** 53, true]) {
        expect(accepts(def, { [field]: bad, ...extra }), JSON.stringify(bad)).toBe(false);
      }
      expect(accepts(def, { ...extra })).toBe(false);
    });
  }

  it('meeting ids reject option-like and traversal values', () => {
    const def = byName('ringcentral_get_meeting');
    expect(accepts(def, { meetingId: 'iad41-c04-ndb256065cf14ae6a1832389d9c2e' })).toBe(true);
    for (const bad of ['--help', '../1', '', '1 2', '-x']) expect(accepts(def, { meetingId: bad }), bad).toBe(false);
  });

  it('extensionId is "~" or digits', () => {
    const def = byName('ringcentral_get_extension_info');
    expect(accepts(def, { extensionId: '~' })).toBe(true);
    expect(accepts(def, { extensionId: '171857008' })).toBe(true);
    for (const bad of ['--help', '../1', '', '1 2', '~1']) expect(accepts(def, { extensionId: bad }), bad).toBe(false);
  });
});
