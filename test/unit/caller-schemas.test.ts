/**
 * Every tool's input schema, as tools/list serves it, against the rules of the two strictest
 * callers, written here from their published rules, and through the real conversions their own
 * packages apply on the way:
 * - OpenAI strict mode: closed objects at every level, every property required (optional ones
 *   nullable), only the supported keywords, a root object, bounded nesting, property count and
 *   enum sizes. As served only the tools whose every field is required pass; the OpenAI Agents
 *   SDK's MCP conversion (`mcpToFunctionTool` with `convertSchemasToStrict`, from
 *   `@openai/agents-core`) makes every tool strict, and it can only because every object is closed.
 * - Gemini function declarations, the `parameters` field: the OpenAPI 3.0 Schema subset (one
 *   type per node, no null type, string enums, no $ref, no free-form maps, non-empty nested
 *   objects, no `additionalProperties`). As served no tool fits (`additionalProperties: false`);
 *   Google's SDK (`@google/genai`) sends MCP tools unchanged as `parametersJsonSchema`, and its
 *   conversion for `parameters` drops `additionalProperties`, after which every tool fits. Both
 *   are measured on what the SDK puts on the wire, caught by a server on loopback.
 * One served form cannot pass both unchanged: OpenAI's needs `additionalProperties: false` on
 * every object, Gemini's `parameters` has no such keyword. The listing keeps closed objects.
 * And the listing itself: closed objects, `properties` on every object, the size budget.
 */
import { createServer, type Server } from 'node:http';
import { mcpToFunctionTool, type MCPServer } from '@openai/agents-core';
import { GoogleGenAI, mcpToTool, type Schema as GeminiSchema } from '@google/genai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry, selectTools } from '../../dist/tools/index.js';
import { toolListing } from '../../dist/src/mcp/listing.js';
import { createServer as createMcpServer } from '../../dist/src/mcp/server.js';

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

const listed = [...registry, ...selectTools({ readOnly: true })].map(toolListing);

// --- OpenAI strict mode -------------------------------------------------------------------------

const OPENAI_KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);
const OPENAI_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);
const OPENAI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** The OpenAI Agents SDK's MCP tool, as an agent built with `convertSchemasToStrict: true` gets it. */
function agentsSdkTool(tool: Tool): { strict: boolean; parameters: Schema } {
  const server = { name: 'ringcentral' } as unknown as MCPServer;
  const converted = mcpToFunctionTool(tool as Parameters<typeof mcpToFunctionTool>[0], server, true) as unknown as {
    strict: boolean;
    parameters: Schema;
  };
  return { strict: converted.strict, parameters: converted.parameters };
}

/** The problems OpenAI's strict mode reports for a converted schema (empty when accepted). */
function openAIProblems(root: Schema): string[] {
  const problems: string[] = [];
  let properties = 0;
  let enumValues = 0;
  if (root.type !== 'object' || root.anyOf) problems.push('root: must be an object, not anyOf');
  const walk = (node: Schema, path: string, depth: number) => {
    if (depth > 10) problems.push(`${path}: nested deeper than 10 levels`);
    for (const key of Object.keys(node)) if (!OPENAI_KEYWORDS.has(key)) problems.push(`${path}: "${key}" is not supported`);
    for (const type of ([] as unknown[]).concat(node.type ?? []))
      if (!OPENAI_TYPES.has(type as string)) problems.push(`${path}: type ${String(type)}`);
    if (node.format !== undefined && !OPENAI_FORMATS.has(node.format as string)) problems.push(`${path}: format ${String(node.format)}`);
    const types = ([] as unknown[]).concat(node.type ?? []);
    if (types.includes('object')) {
      if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
      if (!isObject(node.properties)) problems.push(`${path}: an object needs properties`);
      const keys = Object.keys(isObject(node.properties) ? node.properties : {});
      properties += keys.length;
      const required = (node.required as string[] | undefined) ?? [];
      if (keys.some((k) => !required.includes(k))) problems.push(`${path}: every property must be required`);
    }
    if (types.includes('array') && !isObject(node.items)) problems.push(`${path}: an array needs items`);
    if (Array.isArray(node.enum)) enumValues += node.enum.length;
    if (isObject(node.properties)) for (const [k, v] of Object.entries(node.properties)) walk(v as Schema, `${path}.${k}`, depth + 1);
    if (isObject(node.items)) walk(node.items, `${path}[]`, depth + 1);
    if (Array.isArray(node.anyOf)) node.anyOf.forEach((a, i) => walk(a as Schema, `${path}|${i}`, depth));
  };
  walk(root, 'input', 1);
  if (properties > 5000) problems.push(`${properties} properties in all (max 5000)`);
  if (enumValues > 1000) problems.push(`${enumValues} enum values in all (max 1000)`);
  return problems;
}

// --- Gemini function declarations ---------------------------------------------------------------

const GEMINI_KEYWORDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
const GEMINI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** The problems Gemini reports for a function's parameters (empty when accepted). */
function geminiProblems(root: Schema): string[] {
  const problems: string[] = [];
  const walk = (node: Schema, path: string, top: boolean) => {
    for (const key of Object.keys(node)) if (!GEMINI_KEYWORDS.has(key)) problems.push(`${path}: "${key}" is not in Gemini's Schema`);
    // The API takes its own upper-case type names (what @google/genai sends) as well as JSON Schema's.
    const type = typeof node.type === 'string' ? node.type.toLowerCase() : node.type;
    if (node.anyOf === undefined) {
      if (typeof type !== 'string' || !GEMINI_TYPES.has(type))
        problems.push(`${path}: needs one type of ${[...GEMINI_TYPES].join(', ')}, got ${JSON.stringify(node.type)}`);
    } else if (!Array.isArray(node.anyOf) || node.anyOf.some((a) => !isObject(a) || 'const' in a))
      problems.push(`${path}: anyOf must list schemas without const`);
    if (node.enum !== undefined && (type !== 'string' || !Array.isArray(node.enum) || node.enum.some((v) => typeof v !== 'string')))
      problems.push(`${path}: enum only of strings`);
    if (type === 'array' && !isObject(node.items)) problems.push(`${path}: an array needs items`);
    if (type === 'object') {
      const props = isObject(node.properties) ? node.properties : undefined;
      // An empty root is a function without parameters; a nested object must say what it holds.
      if (!props || (!top && Object.keys(props).length === 0)) problems.push(`${path}: an object needs non-empty properties`);
      for (const name of (node.required as string[] | undefined) ?? [])
        if (!props || !(name in props)) problems.push(`${path}: required "${name}" is not a property`);
    }
    if (isObject(node.properties)) for (const [k, v] of Object.entries(node.properties)) walk(v as Schema, `${path}.${k}`, false);
    if (isObject(node.items)) walk(node.items, `${path}[]`, false);
    if (Array.isArray(node.anyOf)) node.anyOf.forEach((a, i) => isObject(a) && walk(a, `${path}|${i}`, false));
  };
  walk(root, 'input', true);
  return problems;
}

// --- the tests ----------------------------------------------------------------------------------

describe('the rule checkers catch what the callers refuse', () => {
  it('OpenAI: free-form maps, unsupported keywords, open objects, optional properties', () => {
    const check = (properties: Schema) =>
      openAIProblems({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
    expect(check({ q: { type: 'object', additionalProperties: { type: 'string' } } })).toContain(
      'input.q: additionalProperties must be false',
    );
    expect(check({ s: { type: 'string', minLength: 1 } })).toEqual(['input.s: "minLength" is not supported']);
    expect(check({ o: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } })).toEqual([
      'input.o: additionalProperties must be false',
    ]);
    expect(openAIProblems({ type: 'object', properties: { s: { type: 'string' } }, additionalProperties: false })).toEqual([
      'input: every property must be required',
    ]);
    expect(check({ s: { type: ['string', 'null'] } })).toEqual([]);
  });

  it('Gemini: type arrays, null, non-string enums, free-form maps, empty nested objects, additionalProperties', () => {
    const check = (properties: Schema) => geminiProblems({ type: 'object', properties });
    expect(check({ a: { type: ['string', 'null'] } })).toHaveLength(1);
    expect(check({ a: { type: 'integer', enum: [1, 2] } })).toEqual(['input.a: enum only of strings']);
    expect(check({ a: { type: 'object', properties: {}, additionalProperties: { type: 'string' } } })).toEqual([
      'input.a: "additionalProperties" is not in Gemini\'s Schema',
      'input.a: an object needs non-empty properties',
    ]);
    expect(geminiProblems({ type: 'object', properties: {}, additionalProperties: false })).toEqual([
      'input: "additionalProperties" is not in Gemini\'s Schema',
    ]);
    expect(check({ a: { anyOf: [{ const: 'x' }, { type: 'string' }] } })).toContain('input.a: anyOf must list schemas without const');
    expect(check({ a: { type: 'STRING', enum: ['x'] } })).toEqual([]);
  });
});

// --- what Google's SDK sends to Gemini, caught on loopback ---------------------------------------

type Declaration = { name: string; parameters?: Schema; parametersJsonSchema?: Schema };
/** The function declarations @google/genai put on the wire, by how they were handed to it. */
const sent: Record<'parameters' | 'mcpToTool', Map<string, Declaration>> = { parameters: new Map(), mcpToTool: new Map() };
let gemini: Server | undefined;

async function geminiRequests(): Promise<void> {
  const bodies: Array<{ tools: Array<{ functionDeclarations: Declaration[] }> }> = [];
  gemini = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] }));
    });
  });
  await new Promise<void>((resolve) => gemini!.listen(0, '127.0.0.1', resolve));
  const ai = new GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: { baseUrl: `http://127.0.0.1:${(gemini.address() as { port: number }).port}` },
  });
  const ask = (tools: Parameters<typeof ai.models.generateContent>[0]['config']) =>
    ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: tools });
  for (const readOnly of [false, true]) {
    // A person's own declarations: each tool's schema as the `parameters` field.
    const tools = readOnly ? selectTools({ readOnly }).map(toolListing) : registry.map(toolListing);
    await ask({
      tools: [
        {
          functionDeclarations: tools.map((t) => ({
            name: t.name,
            description: t.description,
            parameters: t.inputSchema as unknown as GeminiSchema,
          })),
        },
      ],
    });
    // Google's own MCP bridge, on this server's tools/list.
    const server = createMcpServer({ sandbox: true, warmup: false, readOnly });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'caller-schemas', version: '1.0.0' });
    await client.connect(clientSide);
    await ask({ tools: [mcpToTool(client)], automaticFunctionCalling: { disable: true } });
    await client.close();
    await server.close();
  }
  bodies.forEach((body, i) => {
    const form = i % 2 === 0 ? 'parameters' : 'mcpToTool';
    const suffix = i >= 2 ? ' (read-only form)' : '';
    for (const d of body.tools[0].functionDeclarations) sent[form].set(d.name + suffix, d);
  });
}

beforeAll(geminiRequests, 60_000);
afterAll(() => new Promise<void>((resolve) => (gemini ? gemini.close(() => resolve()) : resolve())));

// --- the tests ----------------------------------------------------------------------------------

const label = (t: Tool) => t.name + (t.description?.endsWith('GET only.') ? ' (read-only form)' : '');

describe('as served', () => {
  it('OpenAI strict mode unchanged: exactly the tools whose every field is required', () => {
    const passing = registry.map(toolListing).filter((t) => openAIProblems(t.inputSchema as Schema).length === 0);
    const allRequired = registry.map(toolListing).filter((t) => {
      const required = new Set(t.inputSchema.required ?? []);
      return Object.keys(t.inputSchema.properties ?? {}).every((field) => required.has(field));
    });
    expect(passing.map((t) => t.name)).toEqual(allRequired.map((t) => t.name));
    expect(passing.map((t) => t.name)).toEqual(expect.arrayContaining(['ringcentral_get_account_info', 'ringcentral_get_contact']));
    expect(passing.length).toBeLessThan(registry.length);
  });

  it('a tool without parameters needs its object closed, or the Agents SDK falls back to a non-strict tool', () => {
    const parameterless = registry.map(toolListing).filter((t) => Object.keys(t.inputSchema.properties ?? {}).length === 0);
    expect(parameterless.map((t) => t.name)).toEqual(expect.arrayContaining(['ringcentral_get_account_info', 'ringcentral_status']));
    for (const tool of parameterless) {
      expect(agentsSdkTool(tool).strict).toBe(true);
      expect(agentsSdkTool({ ...tool, inputSchema: { type: 'object', properties: {} } }).strict).toBe(false);
    }
  });

  it("Gemini's parameters subset unchanged: no tool fits, for additionalProperties alone", () => {
    for (const tool of registry.map(toolListing)) {
      const problems = geminiProblems(tool.inputSchema);
      expect(problems.length, tool.name).toBeGreaterThan(0);
      expect(
        problems.filter((p) => !p.endsWith('"additionalProperties" is not in Gemini\'s Schema')),
        tool.name,
      ).toEqual([]);
    }
  });
});

describe.each(listed.map((t) => [label(t), t] as const))('%s', (name, tool) => {
  const schema = tool.inputSchema as Schema;

  it('the OpenAI Agents SDK makes it a strict tool that passes OpenAI strict mode', () => {
    const converted = agentsSdkTool(tool);
    expect(converted.strict).toBe(true);
    expect(openAIProblems(converted.parameters)).toEqual([]);
  });

  it("@google/genai: its conversion for parameters fits Gemini's subset; mcpToTool sends the schema unchanged", () => {
    const declared = sent.parameters.get(name)!;
    expect(declared.parameters).toBeDefined();
    expect(geminiProblems(declared.parameters!)).toEqual([]);
    expect(sent.mcpToTool.get(name)!.parametersJsonSchema).toEqual(schema);
  });

  it('closes every object and declares properties, even when there are none', () => {
    const objects: Schema[] = [];
    const walk = (node: Schema) => {
      if (node.type === 'object') objects.push(node);
      if (isObject(node.properties)) Object.values(node.properties).forEach((v) => walk(v as Schema));
      if (isObject(node.items)) walk(node.items);
    };
    walk(schema);
    expect(objects.length).toBeGreaterThan(0);
    for (const node of objects) {
      expect(node.additionalProperties).toBe(false);
      expect(isObject(node.properties)).toBe(true);
    }
  });
});

describe('the model-visible tools/list', () => {
  it('tools without arguments declare empty properties', () => {
    const account = listed.find((t) => t.name === 'ringcentral_get_account_info')!;
    expect(account.inputSchema).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('name, description and input schema of all tools come to at most 12,000 characters', () => {
    const visible = registry.map(toolListing).map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
    expect(visible.map((t) => t.name)).toEqual(registry.map((d) => d.name));
    const size = JSON.stringify(visible).length;
    expect(size, `model-visible tools/list: ${size} chars`).toBeLessThanOrEqual(12_000);
  });
});
