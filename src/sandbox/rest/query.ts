// Typed access to query parameters with RingCentral's CMN-101 errors on bad values.
import { invalid, type Query } from './http.js';

export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return v && v.length ? v[v.length - 1] : undefined;
}

/** Multi-valued params arrive repeated (`?type=A&type=B`); a comma list is accepted too. */
export function many(q: Query, name: string): string[] {
  return (q[name] ?? []).flatMap((v) => v.split(',')).filter(Boolean);
}

/** Validates an enum list case-insensitively and returns canonical spellings. */
export function enums(q: Query, name: string, allowed: readonly string[]): string[] {
  return many(q, name).map((v) => {
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw invalid(name, v);
    return hit;
  });
}

export function int(q: Query, name: string, def: number, min = 1): number {
  const v = one(q, name);
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) < min) throw invalid(name, v);
  return Number(v);
}

export function bool(q: Query, name: string): boolean {
  const v = one(q, name);
  if (v === undefined) return false;
  if (!/^(true|false)$/i.test(v)) throw invalid(name, v);
  return v.toLowerCase() === 'true';
}

/** ISO 8601 with any offset; partial forms (YYYY, YYYY-MM, YYYY-MM-DD) are accepted. */
export function date(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(v)) throw invalid(name, v);
  const t = Date.parse(/^\d{4}$/.test(v) ? `${v}-01-01` : v);
  if (!Number.isFinite(t)) throw invalid(name, v);
  return t;
}

export const E164 = /^\+[1-9]\d{1,14}$/;
export const digitsOnly = (p: string) => p.replace(/\D/g, '');
