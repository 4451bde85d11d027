// A small JSON Schema subset: enough to validate action inputs the way Membrane would
// (types, required, enums, bounds, items, closed objects, anyOf) and to name the bad field.
export interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxItems?: number;
  anyOf?: Schema[];
  format?: string;
  default?: unknown;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeOk(want: string, v: unknown): boolean {
  const t = typeOf(v);
  return t === want || (want === 'number' && t === 'integer');
}

export interface Problem {
  path: string;
  message: string;
}

export function validate(s: Schema, v: unknown, path = 'input'): Problem | undefined {
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeOk(t, v))) return { path, message: `must be ${types.join(' or ')} (got ${typeOf(v)})` };
  }
  if (s.enum && !s.enum.includes(v)) return { path, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` };
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return { path, message: `must be >= ${s.minimum}` };
    if (s.maximum !== undefined && v > s.maximum) return { path, message: `must be <= ${s.maximum}` };
  }
  if (typeof v === 'string' && s.minLength !== undefined && v.length < s.minLength) return { path, message: `must not be empty` };
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) return { path, message: `must have at most ${s.maxItems} items` };
    if (s.items) {
      for (let i = 0; i < v.length; i++) {
        const p = validate(s.items, v[i], `${path}[${i}]`);
        if (p) return p;
      }
    }
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (o[r] === undefined) return { path: `${path}.${r}`, message: 'is required' };
    for (const [k, val] of Object.entries(o)) {
      const ps = s.properties?.[k];
      if (!ps) {
        if (s.additionalProperties === false) return { path: `${path}.${k}`, message: 'is not a known property' };
        continue;
      }
      if (val === undefined) continue;
      const p = validate(ps, val, `${path}.${k}`);
      if (p) return p;
    }
  }
  if (s.anyOf && !s.anyOf.some((alt) => !validate(alt, v, path))) {
    return validate(s.anyOf[0], v, path) ?? { path, message: 'does not match any allowed shape' };
  }
  return undefined;
}

/**
 * Membrane drops input properties the action's schema does not declare before the action runs
 * (silently, no error), at every depth where the schema lists properties.
 */
export function strip(s: Schema, v: unknown): unknown {
  if (Array.isArray(v)) return s.items ? v.map((x) => strip(s.items!, x)) : v;
  if (v === null || typeof v !== 'object') return v;
  if (s.anyOf) {
    const fit = s.anyOf.find((alt) => !validate(alt, strip(alt, v)));
    return fit ? strip(fit, v) : v;
  }
  if (!s.properties || (Object.keys(s.properties).length === 0 && s.additionalProperties !== false)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const ps = s.properties[k];
    if (ps) out[k] = strip(ps, val);
  }
  return out;
}
