/**
 * The plan's type check (routing.ts): a value of another type than the action's
 * live schema declares sends the call to RingCentral's REST route under `--route auto`.
 */
import { describe, expect, it } from 'vitest';
import { typeMismatches } from '../../src/membrane/routing.js';
import type { Membrane } from '../../src/membrane/membrane.js';
import type { ActionInfo } from '../../tools/contract.js';
import { plan, Routes, type RouteContext, type RouteMode } from '../../src/membrane/routing.js';
import { registry } from '../../tools/index.js';

const schema = {
  type: 'object',
  properties: {
    messageType: { type: 'string', enum: ['SMS', 'Fax'] },
    direction: { type: 'array', items: { type: 'string' } },
    page: { type: 'integer' },
    ratio: { type: 'number' },
    from: { type: 'object', properties: { phoneNumber: { type: 'string' } } },
    to: { type: 'array', items: { type: 'object', properties: { phoneNumber: { type: 'string' } } } },
    either: { anyOf: [{ type: 'string' }, { type: 'array' }] },
    open: { anyOf: [{ type: 'string' }, { description: 'anything' }] },
    nullable: { type: ['string', 'null'] },
    untyped: { description: 'no type' },
  },
};

describe('typeMismatches', () => {
  it('names each value whose type the schema declares otherwise, at any depth', () => {
    expect(typeMismatches(schema, { messageType: ['SMS'], direction: 'Inbound', page: 1.5, ratio: 2 })).toEqual([
      'messageType',
      'direction',
      'page',
    ]);
    expect(typeMismatches(schema, { from: { phoneNumber: 16505550101 }, to: [{ phoneNumber: '+1' }, { phoneNumber: ['+2'] }] })).toEqual([
      'from.phoneNumber',
      'to[1].phoneNumber',
    ]);
    expect(typeMismatches(schema, { from: 'x', to: {} })).toEqual(['from', 'to']);
    expect(typeMismatches(schema, [])).toEqual(['(input)']);
    expect(typeMismatches(schema, { ratio: 'x', page: '1' })).toEqual(['ratio', 'page']);
    expect(typeMismatches(schema, { messageType: undefined, page: undefined })).toEqual([]);
  });

  it('reads only what a schema declares as a schema: boolean and malformed parts check nothing', () => {
    expect(typeMismatches({ type: 'number' }, 1.5)).toEqual([]);
    expect(typeMismatches({ type: 'integer' }, 1.5)).toEqual(['(input)']);
    expect(typeMismatches({ type: [5] }, 'x')).toEqual([]);
    expect(typeMismatches({ type: [5, 'string'] }, 1)).toEqual(['(input)']);
    expect(typeMismatches({ anyOf: [{ type: 'string' }, true] }, 5)).toEqual([]);
    expect(typeMismatches({ anyOf: [{ type: 'string' }, false] }, 5)).toEqual(['(input)']);
    expect(typeMismatches({ oneOf: [{ type: 'string' }, false] }, 'x')).toEqual([]);
    expect(typeMismatches({ type: 'array', items: null }, [1])).toEqual([]);
    expect(typeMismatches({ properties: { a: { type: 'string' } } }, null)).toEqual([]);
    expect(typeMismatches({ properties: { a: null, b: true } }, { a: 1, b: 2 })).toEqual([]);
  });

  it('takes what the schema allows: integers as numbers, alternatives, nullable, untyped and undeclared properties', () => {
    const fits = {
      messageType: 'SMS',
      direction: ['Inbound'],
      page: 2,
      ratio: 1,
      either: ['a'],
      open: 5,
      nullable: null,
      untyped: { any: 1 },
      undeclared: [1],
      skipped: undefined,
    };
    expect(typeMismatches(schema, fits)).toEqual([]);
    expect(typeMismatches(schema, { either: 5, nullable: 1 })).toEqual(['either', 'nullable']);
    expect(typeMismatches({ type: 'object' }, { a: [1] })).toEqual([]);
  });
});

describe('plan: the type check per call', () => {
  const catalog = new Map<string, ActionInfo>([
    [
      'list-messages',
      { id: 'a1', key: 'list-messages', inputSchema: { ...schema, properties: { ...schema.properties, page: {}, perPage: {} } } },
    ],
  ]);
  const listMessages = registry.find((d) => d.name === 'ringcentral_list_messages')!;
  const ctx = (mode: RouteMode) => {
    const membrane = { actions: async () => catalog } as unknown as Membrane;
    return { membrane, routes: new Routes(membrane, mode, registry), limits: {} } as unknown as RouteContext;
  };
  const handle = { page: 1, perPage: 25 };

  it('auto: a list where the action takes one value goes REST; what it takes goes to the action', async () => {
    expect((await plan(listMessages, { messageType: 'SMS' }, ctx('auto'), handle)).route).toBe('rest');
    expect((await plan(listMessages, {}, ctx('auto'), handle)).route).toBe('action');
  });

  it('a forced route is the person’s choice: the input goes as it is', async () => {
    expect(await plan(listMessages, { messageType: 'SMS' }, ctx('action'), handle)).toMatchObject({
      route: 'action',
      input: { messageType: ['SMS'], page: 1, perPage: 25 },
    });
  });
});
