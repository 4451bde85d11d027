/**
 * Hostile input, property-based, over EVERY tool the server lists. Generated from each tool's
 * published input schema: wrong types, huge strings, unicode, control characters, `-`-prefixed
 * values, path traversal, URLs, CRLF, deep nesting, big arrays, unknown and missing keys.
 * Invariants: the server never crashes (it answers the next call), never starts the CLI for input
 * that is invalid, and its error names the offending field. Inputs that may be valid are checked
 * for what reaches the CLI instead: no user value ever becomes a flag of its own.
 * RINGCENTRAL_MCP_FUZZ_RUNS sets the number of invalid inputs per tool (default 150 in `npm test`;
 * `npm run soak` runs 600, about 15,000 in all); the other properties scale with it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tools as library } from '../../dist/src/index.js';
import { alive, spawnLog, startServer, text, type Result, type Harness } from './harness.js';

const RUNS = Number(process.env.RINGCENTRAL_MCP_FUZZ_RUNS) || 150;
const MAX_ELEMENTS = 5000;

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  propertyNames?: Schema;
  additionalProperties?: Schema | boolean;
};

interface Tool {
  name: string;
  inputSchema: Schema;
}

let server: Harness;
let tools: Tool[];

beforeAll(async () => {
  server = await startServer();
  // Every listed tool, with every constraint the server checks: the listing leaves bounds,
  // lengths and patterns to the server, so they come from the same zod schemas it validates with.
  const listed = (await server.client.listTools()).tools as Tool[];
  tools = listed.map((t) => ({
    name: t.name,
    inputSchema: z.toJSONSchema(library.find((l) => l.name === t.name)!.inputSchema, {
      target: 'draft-07',
      io: 'input',
      unrepresentable: 'any',
    }) as Schema,
  }));
  // Resolve the connection once, so a spawn during the properties can only come from a fuzzed call.
  const warm = await server.call('ringcentral_get_account_info');
  expect(warm.isError, text(warm)).toBeFalsy();
});
afterAll(async () => server?.close());

// ---------------------------------------------------------------------------------------------
// Hostile values

const NASTY = [
  '--help',
  '-h',
  '--version',
  '--connectionId=con_evil',
  '--input={"x":1}',
  '-X',
  'DELETE',
  '-d',
  '--json',
  '../../etc/passwd',
  '..',
  '.',
  '/restapi/../../etc/passwd',
  '/restapi/v1.0/%2e%2e/%2e%2e',
  '..\\..\\windows',
  'https://evil.example.com/restapi/v1.0/account/~',
  '//evil.example.com/x',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'a\r\nX-Injected: 1',
  'Accept\r\n\r\nGET / HTTP/1.1',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b[31mred',
  '\u007f',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  '😀',
  '𝕳𝖊𝖑𝖑𝖔',
  'Ω≈ç√∫',
  '\ud800',
  'ﷺ',
  '$(id)',
  '`id`',
  '; rm -rf /',
  '| cat /etc/passwd',
  '&& whoami',
  "' OR 1=1 --",
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '~',
  '*',
  '%',
  '%00',
  '\\',
  '"',
  "'",
  '{}',
  '[]',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  ' ',
  '',
  '__proto__',
  'constructor',
  'prototype',
];

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 });

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: controlChars },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map((s) => `-${s}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `--${s}`) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('..', '.', 'etc', 'passwd', '%2e%2e', '~'), { minLength: 1, maxLength: 8 })
      .map((parts) => `/${parts.join('/')}`),
  },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\r\n${b}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
);

/** An object nested `depth` levels deep: {"a":{"a":...}}. */
const deep = (depth: number): unknown => {
  let node: unknown = 'bottom';
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
};

function allowedTypes(schema: Schema): Set<string> {
  if (schema.anyOf) return new Set(schema.anyOf.flatMap((s) => [...allowedTypes(s)]));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const set = new Set(types);
  if (set.has('number')) set.add('integer');
  return set;
}

/** Values of another JSON type than the schema allows (integers count as numbers). */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const allowed = allowedTypes(schema);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!allowed.has('string')) candidates.push(hostileString);
  if (!allowed.has('integer') && !allowed.has('number'))
    candidates.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  if (!allowed.has('boolean')) candidates.push(fc.boolean());
  // null is not here: it means an absent field (strict-mode callers send it), see test/server/callers.test.ts.
  if (!allowed.has('array')) {
    candidates.push(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }));
    candidates.push(fc.integer({ min: 100, max: 4000 }).map((n) => Array.from({ length: n }, (_, i) => i)));
  }
  if (!allowed.has('object')) {
    candidates.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }));
    candidates.push(fc.integer({ min: 50, max: 1500 }).map(deep));
  }
  return fc.oneof(...candidates);
}

/** Values the schema rejects: wrong type, or the right type breaking a published constraint. */
function invalidFor(schema: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema)];
  const types = allowedTypes(schema);
  if (schema.anyOf) return fc.oneof(...options);
  if (types.has('string')) {
    if (schema.pattern) {
      const re = new RegExp(schema.pattern);
      options.push(hostileString.filter((v) => !re.test(v)));
    }
    if (schema.enum) options.push(hostileString.filter((v) => !schema.enum!.includes(v)));
    if (schema.maxLength !== undefined)
      options.push(fc.integer({ min: schema.maxLength + 1, max: schema.maxLength + 5000 }).map((n) => '-'.repeat(n)));
    if (schema.minLength) options.push(fc.constant(''));
  }
  if (types.has('integer') && !types.has('number')) {
    options.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)));
    if (schema.minimum !== undefined) options.push(fc.integer({ max: schema.minimum - 1 }));
    if (schema.maximum !== undefined) options.push(fc.integer({ min: schema.maximum + 1 }));
    options.push(fc.constant('10'));
  }
  if (types.has('array')) {
    if (schema.maxItems !== undefined) {
      const item = validValue(schema.items ?? {});
      options.push(
        fc
          .integer({ min: schema.maxItems + 1, max: Math.max(schema.maxItems + 1, 4000) })
          .map((n) => Array.from({ length: n }, () => item)),
      );
    }
    if (schema.items) options.push(fc.tuple(invalidFor(schema.items)));
  }
  if (types.has('object')) {
    const names = schema.propertyNames;
    // A `__proto__` key is dropped rather than rejected (tested on its own below).
    const key = hostileString.filter((k) => k !== '__proto__');
    if (names?.enum) options.push(key.filter((k) => !names.enum!.includes(k)).map((k) => ({ [k]: 'x' })));
    if (names?.pattern) {
      const re = new RegExp(names.pattern);
      options.push(key.filter((k) => k.length > 0 && !re.test(k)).map((k) => ({ [k]: 'x' })));
    }
    if (typeof schema.additionalProperties === 'object') {
      const valueSchema = schema.additionalProperties;
      const key = names?.enum ? String(names.enum[0]) : 'perPage';
      options.push(invalidFor(valueSchema).map((v) => ({ [key]: v })));
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) options.push(invalidFor(property).map((v) => ({ [name]: v })));
  }
  return fc.oneof(...options);
}

/** A valid value for a field (for the fields a mutation leaves alone). */
function validValue(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return validValue(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (!schema.pattern) return 'hello';
      const re = new RegExp(schema.pattern);
      const value = ['1', '+16505550123', '~', 'get-account-info', '/restapi/v1.0/account/~', 'General', 'id', 'abc'].find((v) =>
        re.test(v),
      );
      if (value === undefined) throw new Error(`no valid example for pattern ${schema.pattern}`);
      return value;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [validValue(schema.items ?? { type: 'string' })];
    default:
      return {};
  }
}

/** Cross-field rules a schema cannot publish (a contact write needs at least one contact field). */
const CROSS_FIELD: Record<string, Record<string, unknown>> = {
  ringcentral_create_contact: { firstName: 'Ann' },
  ringcentral_update_contact: { firstName: 'Ann' },
};

/** A valid input: every required field, plus what cross-field rules ask for. */
const baseInput = (tool: Tool): Record<string, unknown> => ({
  ...Object.fromEntries((tool.inputSchema.required ?? []).map((name) => [name, validValue(tool.inputSchema.properties![name])])),
  ...CROSS_FIELD[tool.name],
});

/** How a key shows in the error text: zod quotes unknown keys as JSON strings. */
const shown = (key: string): string[] => [key, JSON.stringify(key).slice(1, -1)];

interface Mutation {
  args: Record<string, unknown>;
  /** The field the error must name. */
  field: string;
}

function mutations(tool: Tool): fc.Arbitrary<Mutation> {
  const properties = Object.entries(tool.inputSchema.properties ?? {});
  const known = new Set(properties.map(([name]) => name));
  const base = baseInput(tool);
  const options: fc.Arbitrary<Mutation>[] = [];
  for (const [name, schema] of properties)
    options.push(invalidFor(schema).map((value) => ({ args: { ...base, [name]: value }, field: name })));
  for (const name of tool.inputSchema.required ?? []) {
    const { [name]: _dropped, ...rest } = base;
    options.push(fc.constant({ args: rest, field: name }));
  }
  // `__proto__` is not here: it is dropped silently, never rejected (see the test of its own below).
  const unknownKey = fc
    .oneof(
      fc.constantFrom('constructor', 'toString', 'hasOwnProperty', '--help', '-X', 'connectionId', 'a\r\nb', '😀', ''),
      fc.string({ maxLength: 12 }),
    )
    .filter((k) => !known.has(k) && k !== '__proto__');
  options.push(
    fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 3 })).map(([key, value]) => ({ args: { ...base, [key]: value }, field: key })),
  );
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------------------------

const spawns = () => spawnLog(server.sandbox).length;

/** The flags this server ever passes; anything else starting with "-" in an argv came from user data. */
const FLAGS = new Set(['--json', '--connectionId', '--input', '--limit', '--cursor', '--intent', '-X', '--query', '-H', '-d', '--version']);

/** Every argument that looks like a flag is one of ours (`--flag=value` counts as its flag). */
function expectNoInjectedFlag(argvs: string[][], what: string): void {
  for (const argv of argvs)
    for (const arg of argv) if (arg.startsWith('-')) expect(FLAGS.has(arg.split('=')[0]), `${what} became the flag ${arg}`).toBe(true);
}

async function callRaw(name: string, args: unknown): Promise<Result | { protocolError: string }> {
  try {
    return await server.client.request(
      { method: 'tools/call', params: { name, arguments: args as Record<string, unknown> } },
      (await import('@modelcontextprotocol/sdk/types.js')).CallToolResultSchema,
      { timeout: 60_000 },
    );
  } catch (error) {
    return { protocolError: String(error) };
  }
}

function expectAlive(): void {
  expect(alive(server.pid), 'the server process is alive').toBe(true);
}

async function expectStillServing(): Promise<void> {
  expectAlive();
  const result = await server.call('ringcentral_get_account_info');
  expect(result.isError, text(result)).toBeFalsy();
}

describe('hostile input over every tool', () => {
  it('lists every tool with an object input schema', () => {
    expect(tools.length).toBeGreaterThanOrEqual(20);
    for (const tool of tools) expect(tool.inputSchema.type, tool.name).toBe('object');
  });

  it(`invalid input (${RUNS} runs per tool): rejected, naming the field, without starting the CLI`, async () => {
    let checked = 0;
    for (const tool of tools) {
      await fc.assert(
        fc.asyncProperty(mutations(tool), async ({ args, field }) => {
          const before = spawns();
          const result = await server.call(tool.name, args);
          const message = text(result);
          expect(result.isError, `${tool.name} accepted ${JSON.stringify(args).slice(0, 300)}`).toBe(true);
          expect(message, `${tool.name}: a validation error`).toMatch(/Input validation error|^invalid_input: /);
          expect(
            shown(field).some((f) => message.includes(f)),
            `${tool.name}: "${field}" not named in: ${message.slice(0, 300)}`,
          ).toBe(true);
          expect(spawns(), `${tool.name} started the CLI for ${JSON.stringify(args).slice(0, 200)}`).toBe(before);
          expectAlive();
          checked++;
        }),
        { numRuns: RUNS },
      );
    }
    expect(checked).toBeGreaterThanOrEqual(RUNS * tools.length);
    await expectStillServing();
  });

  it('random JSON as arguments, and as the tool name: no crash, no CLI for anything rejected', async () => {
    const names = tools.map((t) => t.name);
    const args = fc.oneof(
      { weight: 3, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), { minKeys: 1, maxKeys: 6 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.integer({ min: 10, max: 1200 }).map(deep) },
    );
    const name = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString });
    await fc.assert(
      fc.asyncProperty(name, args, async (toolName, value) => {
        const before = spawns();
        const result = await callRaw(toolName, value);
        const rejected =
          'protocolError' in result || (result.isError && /Input validation error|^invalid_input: |not found/.test(text(result)));
        if (rejected) expect(spawns(), `${toolName} ${JSON.stringify(value).slice(0, 200)}`).toBe(before);
        else if (toolName !== 'ringcentral_find_actions')
          expectNoInjectedFlag(
            spawnLog(server.sandbox)
              .slice(before)
              .map((r) => r.argv),
            `${toolName} ${JSON.stringify(value).slice(0, 80)}`,
          );
        expectAlive();
      }),
      { numRuns: Math.max(100, RUNS * 4) },
    );
    await expectStillServing();
  });

  it('hostile strings in every string field: rejected naming the field, or passed to the CLI only as data', async () => {
    const fields = tools.flatMap((tool) =>
      Object.entries(tool.inputSchema.properties ?? {})
        .filter(([, schema]) => allowedTypes(schema).has('string') || allowedTypes(schema).has('array'))
        .map(([name, schema]) => ({ tool, name, schema })),
    );
    expect(fields.length).toBeGreaterThan(40);
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), hostileString, async ({ tool, name, schema }, value) => {
        // Writes are dry runs, so an accepted call never changes the sandbox.
        const writes = 'dryRun' in (tool.inputSchema.properties ?? {}) ? { dryRun: true } : {};
        const input = { ...baseInput(tool), ...writes, [name]: allowedTypes(schema).has('string') ? value : [value] };
        const before = spawns();
        const result = await server.call(tool.name, input);
        const message = text(result);
        if (result.isError && /Input validation error|^invalid_input: /.test(message)) {
          rejected++;
          expect(message.includes(name), `${tool.name}: "${name}" not named in ${message.slice(0, 300)}`).toBe(true);
          expect(spawns()).toBe(before);
        } else {
          accepted++;
          // Whatever ran got the value as data: every "-" argument is one of the server's own flags.
          expectNoInjectedFlag(
            spawnLog(server.sandbox)
              .slice(before)
              .map((r) => r.argv),
            `${tool.name}.${name}=${JSON.stringify(value).slice(0, 80)}`,
          );
        }
        expectAlive();
      }),
      { numRuns: Math.max(60, Math.round(RUNS / 2)) },
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted + rejected).toBeGreaterThanOrEqual(60);
    await expectStillServing();
  });

  it(`an argument object with more than ${MAX_ELEMENTS} elements is rejected for every tool, without the CLI`, async () => {
    const before = spawns();
    for (const tool of tools) {
      const [first] = Object.keys(tool.inputSchema.properties ?? { anything: {} });
      for (const big of [
        Array.from({ length: MAX_ELEMENTS + 1 }, (_, i) => i),
        Object.fromEntries(Array.from({ length: MAX_ELEMENTS + 1 }, (_, i) => [`k${i}`, i])),
      ]) {
        const result = await server.call(tool.name, { ...baseInput(tool), [first]: big });
        expect(result.isError, tool.name).toBe(true);
        expect(text(result)).toMatch(new RegExp(`more than the maximum of ${MAX_ELEMENTS} elements`));
      }
    }
    expect(spawns()).toBe(before);
    await expectStillServing();
  });

  it('find_actions: an intent that starts with "-" stays the value of --intent', async () => {
    for (const intent of ['--help', '--connectionId=con_other', '-']) {
      const before = spawns();
      await server.call('ringcentral_find_actions', { intent });
      expectNoInjectedFlag(
        spawnLog(server.sandbox)
          .slice(before)
          .map((r) => r.argv),
        `intent ${intent}`,
      );
    }
  });

  it('a "__proto__" key is dropped: it changes nothing and never reaches the CLI', async () => {
    const args = JSON.parse('{"name":"Proto team","dryRun":true,"__proto__":{"public":true,"dryRun":false}}');
    const result = await server.call('ringcentral_create_team', args);
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent.status).toBe('dry_run');
    const argv: string[] = result.structuredContent.argv;
    expect(JSON.parse(argv[argv.indexOf('--input') + 1])).toEqual({ name: 'Proto team' });
    expect(({} as Record<string, unknown>).public).toBeUndefined();
    const nested = await server.call('ringcentral_run_action', {
      action: 'get-account-info',
      dryRun: true,
      input: '{"__proto__":{"x":1}}',
    });
    expect(nested.isError, text(nested)).toBeFalsy();
    expect(nested.structuredContent.argv.join(' ')).not.toContain('__proto__');
  });

  it('a 2 MB string and a 1,500-level nesting in a free-form field are refused, not fatal', async () => {
    const before = spawns();
    const huge = await server.call('ringcentral_create_chat_post', { chatId: 'General', text: 'y'.repeat(2_000_000), dryRun: true });
    expect(text(huge)).toMatch(/text/);
    expect(huge.isError).toBe(true);
    const nested = await server.call('ringcentral_api_request', {
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/sms',
      body: JSON.stringify(deep(1500)),
    });
    expect(nested.isError).toBe(true);
    expect(text(nested)).toMatch(/nested deeper than the limit of 32 levels/);
    expect(spawns()).toBe(before);
    await expectStillServing();
  });
});
