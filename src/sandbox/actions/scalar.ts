// The scalar-filters variant: a connector whose list actions take one value per filter
// (`messageType: "SMS"`) where RingCentral's API takes a list (`messageType: ["SMS"]`). Membrane
// validates action input against the schema, so a list there is refused, not dropped.
import type { Rec } from '../model.js';
import { str } from './defs.js';
import type { Schema } from './schema.js';

const isStringList = (s: Schema): boolean => s.type === 'array' && s.items?.type === 'string';

/** The schema with each top-level list of strings declared as one string (its enum kept). */
export function scalarFilters(schema: Schema): Schema {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, s]) =>
      isStringList(s) ? [name, str(s.description ?? name, s.items?.enum ? { enum: s.items.enum } : {})] : [name, s],
    ),
  );
  return { ...schema, properties };
}

/** The input in RingCentral's shape again: each single filter value as a one-item list. */
export function asLists(original: Schema, input: Rec): Rec {
  const out: Rec = { ...input };
  for (const [name, s] of Object.entries(original.properties ?? {})) {
    if (isStringList(s) && typeof out[name] === 'string') out[name] = [out[name]];
  }
  return out;
}
