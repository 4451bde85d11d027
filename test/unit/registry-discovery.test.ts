/**
 * tools/discovery.ts: finding actions by intent with schemas a model can fill in, and running one
 * only when the connection has it and the input fits its live schema.
 */
import { describe, expect, it } from 'vitest';
import type { ActionInfo } from '../../tools/contract.js';
import { inputSchema } from '../../src/mcp/schemas.js';
import { compactSchema } from '../../tools/discovery.js';
import type { JsonObject } from '../../tools/contract.js';
import { scriptedContext, toolNamed } from './scripted-cli.js';
import { refusal } from './caught.js';

const find = toolNamed('ringcentral_find_actions');
const run = toolNamed('ringcentral_run_action');
const forward: ActionInfo = {
  id: 'act-1',
  key: 'update-forwarding',
  name: 'Update call forwarding',
  description: 'd'.repeat(201),
  inputSchema: {
    type: 'object',
    required: ['number'],
    properties: { number: { type: 'string', description: 'n'.repeat(81) }, enabled: { type: 'boolean' } },
  },
};
const catalog: ActionInfo[] = [forward, { id: 'act-2', name: 'Ping' }, { id: 'act-3', key: 'odd', inputSchema: { type: 'nonsense-type' } }];
const problems = (input: Record<string, unknown>) => {
  const parsed = inputSchema(run).safeParse(input);
  return parsed.success ? 'ok' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('compactSchema', () => {
  it('keeps names, types, required and enums; cuts nested descriptions to 80 characters; stops below four levels', () => {
    const deep = {
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'string' } } } } } },
        },
      },
    };
    expect(compactSchema(deep)).toStrictEqual({
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'string' } } } } } },
        },
      },
    });
    const schema = {
      type: 'object',
      description: 'top',
      title: 'dropped',
      required: ['x'],
      properties: {
        x: { type: 'string', enum: ['a', 'b'], description: 'x'.repeat(81), format: 'dropped' },
        list: { type: 'array', items: { type: 'number', description: 'n' } },
      },
    };
    expect(compactSchema(schema)).toStrictEqual({
      type: 'object',
      required: ['x'],
      properties: {
        x: { type: 'string', enum: ['a', 'b'], description: `${'x'.repeat(79)}…` },
        list: { type: 'array', items: { type: 'number', description: 'n' } },
      },
    });
    expect(
      compactSchema(
        {
          type: 'object',
          properties: { a: { properties: { b: { properties: { c: { properties: { d: { type: 'x', title: 't' } } } } } } } },
        },
        0,
      ),
    ).toStrictEqual({
      type: 'object',
      properties: { a: { properties: { b: { properties: { c: { properties: { d: { type: 'x', title: 't' } } } } } } } },
    });
    expect(compactSchema('x')).toBe('x');
    expect(compactSchema(null)).toBe(null);
    expect(compactSchema({ type: 'string', title: 't' }, 4)).toStrictEqual({ type: 'string', title: 't' });
    expect(compactSchema({ type: 'string', title: 't' }, 3)).toStrictEqual({ type: 'string' });
  });
});

describe('find_actions', () => {
  it('asks for the intent with a limit of 10 unless given, and lists each action compactly', async () => {
    const { ctx, argvs } = scriptedContext({ catalog });
    const result = await (find.exec.via === 'custom' ? find.exec.run({ intent: 'forward calls' }, ctx) : undefined);
    expect(argvs).toEqual([['action', 'list', '--connectionId', 'conn-1', '--intent=forward calls', '--limit', '10', '--json']]);
    expect(result).toStrictEqual({
      actions: [
        {
          id: 'act-1',
          key: 'update-forwarding',
          name: 'Update call forwarding',
          description: `${'d'.repeat(199)}…`,
          inputSchema: {
            type: 'object',
            required: ['number'],
            properties: { number: { type: 'string', description: `${'n'.repeat(79)}…` }, enabled: { type: 'boolean' } },
          },
        },
        { id: 'act-2', name: 'Ping' },
        { id: 'act-3', key: 'odd', inputSchema: { type: 'nonsense-type' } },
      ],
    });
    const two = scriptedContext({ catalog });
    await (find.exec.via === 'custom' ? find.exec.run({ intent: 'x', limit: 2 }, two.ctx) : undefined);
    expect(two.argvs[0]).toEqual(['action', 'list', '--connectionId', 'conn-1', '--intent=x', '--limit', '2', '--json']);
  });

  it('takes an intent of 1 to 200 characters and a limit of 1 to 50', () => {
    const parse = (input: Record<string, unknown>) => {
      const parsed = inputSchema(find).safeParse(input);
      return parsed.success ? 'ok' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(parse({ intent: 'x', limit: 50 })).toBe('ok');
    expect(parse({ intent: 'x'.repeat(200), limit: 1 })).toBe('ok');
    expect(parse({ intent: '' })).toEqual(['intent: Too small: expected string to have >=1 characters']);
    expect(parse({ intent: 'x'.repeat(201) })).toEqual(['intent: Too big: expected string to have <=200 characters']);
    expect(parse({ intent: 'x', limit: 51 })).toEqual(['limit: Too big: expected number to be <=50']);
    expect(parse({ intent: 'x', limit: 0 })).toEqual(['limit: Too small: expected number to be >=1']);
    expect(parse({ intent: 'x', limit: 1.5 })).toEqual(['limit: Invalid input: expected int, received number']);
  });
});

describe('run_action', () => {
  const exec = run.exec.via === 'action' ? run.exec : undefined;
  const inputOf = (input: JsonObject) => exec!.input(input, scriptedContext({ catalog }).ctx);

  it('runs the action named by id or key with the input as given', async () => {
    expect(exec?.key({ action: 'update-forwarding' })).toBe('update-forwarding');
    expect(await inputOf({ action: 'update-forwarding', input: { number: '+1', enabled: true } })).toStrictEqual({
      number: '+1',
      enabled: true,
    });
    expect(await inputOf({ action: 'act-2' })).toStrictEqual({});
    expect((await refusal(inputOf({ action: 'act-1' }))).message).toBe(
      'input does not match the schema of update-forwarding: input.number: Invalid input: expected string, received undefined',
    );
    expect(await inputOf({ action: 'odd', input: { anything: 1 } })).toStrictEqual({ anything: 1 });
  });

  it('an action the connection does not have: not_found, nothing sent', async () => {
    const error = await refusal(inputOf({ action: 'delete-everything' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('the RingCentral connection has no action "delete-everything"');
    expect(error.details).toStrictEqual({ fix: 'find the action id or key with ringcentral_find_actions; nothing was sent' });
  });

  it('input that does not fit the live schema: invalid_input naming each field', async () => {
    const error = await refusal(inputOf({ action: 'act-1', input: { enabled: 'yes' } }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(
      'input does not match the schema of update-forwarding: input.number: Invalid input: expected string, received undefined; input.enabled: Invalid input: expected boolean, received string',
    );
    expect(error.details).toStrictEqual({
      fix: 'see the inputSchema that ringcentral_find_actions returns for this action; nothing was sent',
    });
    const nested = await refusal(
      exec!.input(
        { action: 'act-4', input: { a: {} } },
        scriptedContext({
          catalog: [
            {
              id: 'act-4',
              inputSchema: {
                type: 'object',
                required: ['a'],
                properties: { a: { type: 'object', required: ['b'], properties: { b: { type: 'string' } } } },
              },
            },
          ],
        }).ctx,
      ),
    );
    expect(nested.message).toBe('input does not match the schema of act-4: input.a.b: Invalid input: expected string, received undefined');
    const keyless = await refusal(
      exec!.input({ action: 'act-9' }, scriptedContext({ catalog: [{ id: 'act-9', inputSchema: { type: 'string' } }] }).ctx),
    );
    expect(keyless.message).toBe('input does not match the schema of act-9: input: Invalid input: expected string, received object');
  });

  it("a typed write tool's action, by id or key: invalid_input naming the tool, before any schema check", async () => {
    const writes: ActionInfo[] = [
      { id: 'act-sms', key: 'send-sms', inputSchema: { type: 'object', required: ['text'] } },
      { id: 'act-update', key: 'update-contact' },
      { id: 'delete-contact' },
    ];
    const refused = async (action: string) => {
      const error = await refusal(exec!.input({ action }, scriptedContext({ catalog: writes }).ctx));
      return [error.code, error.message, error.details];
    };
    expect(await refused('act-sms')).toStrictEqual([
      'invalid_input',
      'action: send-sms is what ringcentral_send_sms runs, with its own checks; nothing was sent',
      { fix: 'call ringcentral_send_sms instead' },
    ]);
    expect(await refused('update-contact')).toStrictEqual([
      'invalid_input',
      'action: update-contact is what ringcentral_update_contact runs, with its own checks; nothing was sent',
      { fix: 'call ringcentral_update_contact instead' },
    ]);
    expect(await refused('delete-contact')).toStrictEqual([
      'invalid_input',
      'action: delete-contact is what ringcentral_delete_contact runs, with its own checks; nothing was sent',
      { fix: 'call ringcentral_delete_contact instead' },
    ]);
  });

  it('the preview names the action and shows the input', async () => {
    const { ctx } = scriptedContext({ catalog });
    expect(await run.preview!({ action: 'act-1', input: { number: '+1' } }, ctx)).toStrictEqual({
      action: 'run Update call forwarding',
      actionKey: 'update-forwarding',
      input: { number: '+1' },
    });
    expect(await run.preview!({ action: 'odd' }, ctx)).toStrictEqual({ action: 'run odd', actionKey: 'odd', input: {} });
    expect(await run.preview!({ action: 'act-2' }, ctx)).toStrictEqual({ action: 'run Ping', actionKey: 'act-2', input: {} });
  });

  it('takes an action id or key and JSON input within bounds, with ids by the rule of the typed tools', () => {
    expect(problems({ action: 'a', input: '{"extensionId":"~","x":{"messageIds":["1",2]}}' })).toBe('ok');
    expect(problems({ action: `a${'b'.repeat(127)}:._-` })).toEqual([
      'action: must be an action id or key from ringcentral_find_actions (letters, digits, _ . : -)',
    ]);
    expect(problems({ action: `a${'b'.repeat(127)}` })).toBe('ok');
    for (const action of ['', '-a', 'a b', 'a/b', '.a']) {
      expect(problems({ action }), action).toEqual([
        'action: must be an action id or key from ringcentral_find_actions (letters, digits, _ . : -)',
      ]);
    }
    const notAnObject = ['input: must be JSON text of an object, e.g. {"extensionId":"~"}'];
    for (const text of ['[1]', 'null', '5', '"s"', 'not json', '{"a":'])
      expect(problems({ action: 'a', input: text }), text).toEqual(notAnObject);
    const issue = inputSchema(run).safeParse({ action: 'a', input: 'null' });
    expect(issue.success ? [] : issue.error.issues.map((i) => i.code)).toEqual(['custom']);
    const nest = (n: number): string => (n === 0 ? '1' : `{"a":${nest(n - 1)}}`);
    expect(problems({ action: 'a', input: nest(32) })).toBe('ok');
    expect(problems({ action: 'a', input: nest(33) })).toEqual(['input: nested deeper than the limit of 32 levels']);
    const deep = inputSchema(run).safeParse({ action: 'a', input: nest(33) });
    expect(deep.success ? [] : deep.error.issues.map((i) => i.code)).toEqual(['custom']);
    // Checked before parsing: 100,000 levels would exhaust the parser's stack.
    expect(problems({ action: 'a', input: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` })).toEqual([
      'input: nested deeper than the limit of 32 levels',
    ]);
    const big = inputSchema(run).safeParse({ action: 'a', input: JSON.stringify({ a: 'x'.repeat(100_000) }) });
    expect(big.success ? [] : big.error.issues.map((i) => i.code)).toEqual(['custom']);
    const badIds = inputSchema(run).safeParse({ action: 'a', input: '{"id":"","contactId":".."}' });
    expect(badIds.success ? [] : badIds.error.issues.map((i) => i.code)).toEqual(['custom', 'custom']);
    expect(problems({ action: 'a', input: ' '.repeat(1_000_000 - 2) + '{}' })).toBe('ok');
    expect(problems({ action: 'a', input: ' '.repeat(1_000_000 - 1) + '{}' })).toEqual([
      'input: Too big: expected string to have <=1000000 characters',
    ]);
    const parsed = inputSchema(run).safeParse({ action: 'a', input: '{"__proto__":{"polluted":1},"a":{"__proto__":2,"b":1}}' });
    const input = parsed.success ? (parsed.data.input as JsonObject) : {};
    expect(JSON.stringify(input)).toBe('{"a":{"b":1}}');
    expect(Object.keys(input)).toEqual(['a']);
    expect(problems({ action: 'a', input: JSON.stringify({ a: 'x'.repeat(100_000) }) })).toEqual([
      'input: 100008 bytes as JSON, over the limit of 100000',
    ]);
    const rule = 'must be an id from a list tool (letters, digits, ~ . _ : @ + = -; not empty, ".", "..", blank or %-encoded)';
    const bad = { id: '', contactId: '..', chat_id: '%2e', messageIds: ['1', ' '], ID: 'a/b', x: { deviceId: -1 } };
    expect(problems({ action: 'a', input: JSON.stringify(bad) })).toEqual([
      `input.id: ${rule}`,
      `input.contactId: ${rule}`,
      `input.chat_id: ${rule}`,
      `input.messageIds: ${rule}`,
      `input.ID: ${rule}`,
    ]);
  });
});
