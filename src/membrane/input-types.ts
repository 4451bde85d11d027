/**
 * Whether an action's live input schema takes a value as the type it declares. Membrane validates
 * action input against the schema, so a list where the action declares one value (a connector's
 * `messageType: string`) fails there; such a call takes RingCentral's REST route instead.
 */
import { isObject } from '../json.js';

type Schema = Record<string, unknown>;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The types a schema node allows, its alternatives' included; empty when it declares none. */
function declaredTypes(node: Schema): string[] {
  const own = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type.filter((t) => typeof t === 'string') : [];
  // A `false` alternative allows nothing, so it adds no type.
  const alternatives = (['anyOf', 'oneOf'] as const).flatMap((k) =>
    Array.isArray(node[k]) ? (node[k] as unknown[]).filter((alternative) => alternative !== false) : [],
  );
  const theirs = alternatives.map((alternative) => (isObject(alternative) ? declaredTypes(alternative) : []));
  // An alternative without a type (the boolean schema `true` among them) allows anything.
  if (theirs.some((types) => types.length === 0)) return [];
  return [...own, ...theirs.flat()];
}

const allows = (types: string[], value: unknown): boolean => {
  const type = jsonType(value);
  return types.length === 0 || types.includes(type) || (type === 'integer' && types.includes('number'));
};

/** The paths in `value` whose type the schema declares otherwise (`messageType`, `to[0].phoneNumber`). */
export function typeMismatches(schema: Schema, value: unknown, path = ''): string[] {
  if (!allows(declaredTypes(schema), value)) return [path || '(input)'];
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    return value.flatMap((item, i) => typeMismatches(items, item, `${path}[${i}]`));
  }
  if (!isObject(value) || !isObject(schema.properties)) return [];
  const properties = schema.properties;
  return Object.entries(value).flatMap(([name, v]) =>
    isObject(properties[name]) && v !== undefined ? typeMismatches(properties[name], v, path ? `${path}.${name}` : name) : [],
  );
}
