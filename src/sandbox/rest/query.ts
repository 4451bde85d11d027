// Typed access to query parameters with RingCentral's CMN-101 errors on bad values.
import { invalid, type Query } from './http.js';

export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return v && v.length ? v[v.length - 1] : undefined;
}

/**
 * Multi-valued params arrive repeated (`?type=A&type=B`), as RingCentral's spec declares them
 * (exploded form arrays); a comma-joined `A,B` is one value, which no enum holds.
 */
export function many(q: Query, name: string): string[] {
  return (q[name] ?? []).filter(Boolean);
}

/** Validates an enum list; RingCentral's enum values are case-sensitive (`sms` is not `SMS`). */
export function enums(q: Query, name: string, allowed: readonly string[]): string[] {
  return many(q, name).map((v) => {
    if (!allowed.includes(v)) throw invalid(name, v);
    return v;
  });
}

/** A single-valued enum parameter (`view`, `recordingType`), exact, or `def` when absent. */
export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], def: T): T;
export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], def?: T): T | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return def;
  if (!(allowed as readonly string[]).includes(v)) throw invalid(name, v);
  return v as T;
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

/**
 * A date-time parameter: RingCentral's spec declares `format: date-time`, so it takes a full
 * date-time with its zone (`2026-01-05T00:00:00Z`, `2026-01-05T00:00:00.000-08:00`); a date
 * alone (`2026-01-05`), a time without a zone or seconds, and a space for `T` are refused.
 */
export function date(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(v)) throw invalid(name, v);
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw invalid(name, v);
  return t;
}

export const E164 = /^\+[1-9]\d{1,14}$/;
export const digitsOnly = (p: string) => p.replace(/\D/g, '');
