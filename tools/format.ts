/** Compact views: the few fields of a record a person reads, short. */
import type { JsonObject } from './contract.js';

export const asArray = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** Drops undefined values so action inputs and previews stay small. */
export function compactObject<T extends JsonObject>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export const truncate = (text: unknown, max: number): string | undefined => {
  if (typeof text !== 'string') return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** A party of a call or message as one short string: "+16505550100 (Alice)" or "101". */
export function party(value: unknown): string | undefined {
  if (!value) return undefined;
  const p = value as JsonObject;
  const number = (p.phoneNumber ?? p.extensionNumber) as string | undefined;
  const name = p.name as string | undefined;
  if (number && name) return `${number} (${name})`;
  return number ?? name;
}
