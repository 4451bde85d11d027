/**
 * Every tool's input schema, as tools/list shows it, against the rules of the two strictest
 * callers, written here from their published rules:
 * - OpenAI strict mode, after the conversion `@openai/agents` applies to MCP tools (every
 *   property required, optional ones nullable): closed objects at every level, only the
 *   supported keywords, a root object, bounded nesting, property count and enum sizes.
 * - Gemini function declarations: the OpenAPI 3.0 Schema subset (one type per node, no null
 *   type, string enums, no $ref, no free-form maps, non-empty nested objects).
 * And the listing itself: closed objects, `properties` on every object, the size budget.
 */
import { describe, expect, it } from 'vitest';
import { registry, selectTools } from '../../dist/tools/index.js';
import { toolListing } from '../../dist/src/mcp/listing.js';

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

/** The strict conversion: every property required, the optional ones made nullable. */
function toOpenAIStrict(node: Schema): Schema {
  const out: Schema = { ...node };
  if (isObject(node.properties)) {
    const required = new Set((node.required as string[] | undefined) ?? []);
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, child]) => {
        const strict = toOpenAIStrict(child as Schema);
        if (required.has(key)) return [key, strict];
        const nullable: Schema =
          typeof strict.type === 'string' ? { ...strict, type: [strict.type, 'null'] } : { anyOf: [strict, { type: 'null' }] };
        if (Array.isArray(strict.enum)) nullable.enum = [...strict.enum, null];
        return [key, nullable];
      }),
    );
    out.required = Object.keys(node.properties);
  }
  if (isObject(node.items)) out.items = toOpenAIStrict(node.items);
  if (Array.isArray(node.anyOf)) out.anyOf = node.anyOf.map((a) => toOpenAIStrict(a as Schema));
  return out;
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
    for (const key of Object.keys(node)) {
      // `additionalProperties: false` is what a closed object says; adapters drop it. A schema or
      // `true` there is a free-form map, which a Gemini declaration cannot state.
      if (key === 'additionalProperties' && node[key] === false) continue;
      if (!GEMINI_KEYWORDS.has(key)) problems.push(`${path}: "${key}" is not in Gemini's Schema`);
    }
    if (node.anyOf === undefined) {
      if (typeof node.type !== 'string' || !GEMINI_TYPES.has(node.type.toLowerCase()))
        problems.push(`${path}: needs one type of ${[...GEMINI_TYPES].join(', ')}, got ${JSON.stringify(node.type)}`);
    } else if (!Array.isArray(node.anyOf) || node.anyOf.some((a) => !isObject(a) || 'const' in a))
      problems.push(`${path}: anyOf must list schemas without const`);
    if (node.enum !== undefined && (node.type !== 'string' || !Array.isArray(node.enum) || node.enum.some((v) => typeof v !== 'string')))
      problems.push(`${path}: enum only of strings`);
    if (node.type === 'array' && !isObject(node.items)) problems.push(`${path}: an array needs items`);
    if (node.type === 'object') {
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
  it('OpenAI: free-form maps, unsupported keywords, open objects', () => {
    const check = (properties: Schema) => openAIProblems(toOpenAIStrict({ type: 'object', properties, additionalProperties: false }));
    expect(check({ q: { type: 'object', additionalProperties: { type: 'string' } } })).toContain(
      'input.q: additionalProperties must be false',
    );
    expect(check({ s: { type: 'string', minLength: 1 } })).toEqual(['input.s: "minLength" is not supported']);
    expect(check({ o: { type: 'object', properties: { a: { type: 'string' } } } })).toEqual([
      'input.o: additionalProperties must be false',
    ]);
    expect(check({ s: { type: 'string' } })).toEqual([]);
  });

  it('Gemini: type arrays, null, non-string enums, free-form maps, empty nested objects', () => {
    const check = (properties: Schema) => geminiProblems({ type: 'object', properties, additionalProperties: false });
    expect(check({ a: { type: ['string', 'null'] } })).toHaveLength(1);
    expect(check({ a: { type: 'integer', enum: [1, 2] } })).toEqual(['input.a: enum only of strings']);
    expect(check({ a: { type: 'object', properties: {}, additionalProperties: { type: 'string' } } })).toEqual([
      'input.a: "additionalProperties" is not in Gemini\'s Schema',
      'input.a: an object needs non-empty properties',
    ]);
    expect(check({ a: { anyOf: [{ const: 'x' }, { type: 'string' }] } })).toContain('input.a: anyOf must list schemas without const');
    expect(check({ a: { type: 'string', enum: ['x'] } })).toEqual([]);
  });
});

describe.each(listed.map((t) => [t.name + (t.description?.endsWith('GET only.') ? ' (read-only form)' : ''), t] as const))(
  '%s',
  (_name, tool) => {
    const schema = tool.inputSchema as Schema;

    it('passes OpenAI strict mode after the @openai/agents conversion', () => {
      expect(openAIProblems(toOpenAIStrict(schema))).toEqual([]);
    });

    it("passes Gemini's function-declaration rules", () => {
      expect(geminiProblems(schema)).toEqual([]);
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
  },
);

describe('the model-visible tools/list', () => {
  it('tools without arguments declare empty properties', () => {
    const account = listed.find((t) => t.name === 'ringcentral_get_account_info')!;
    expect(account.inputSchema).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('name, description and input schema of all tools come to at most 12,000 characters', () => {
    const visible = registry.map(toolListing).map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
    expect(visible).toHaveLength(24);
    const size = JSON.stringify(visible).length;
    expect(size, `model-visible tools/list: ${size} chars`).toBeLessThanOrEqual(12_000);
  });
});
