// Helpers shared by the command handlers.
import { flag, type Args } from '../args.js';
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../output.js';

export type Command = (a: Args, env: Env) => Promise<Outcome> | Outcome;

export const asJson = (a: Args) => a.bools.has('json');

export function positiveInt(a: Args, name: string, usage: string): number | undefined {
  const v = flag(a, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive integer (got "${v}")`, usage);
  return Number(v);
}

/** Offset cursors for Membrane-style lists: opaque to clients. */
export const encCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
export function decCursor(c: string | undefined, usage: string): number {
  if (c === undefined) return 0;
  try {
    const o = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')).o;
    if (Number.isInteger(o) && o >= 0) return o;
  } catch {
    /* fall through */
  }
  throw new UsageError(`invalid --cursor "${c}"`, usage);
}

export function pageList<T>(items: T[], limit: number, cursor: string | undefined, usage: string): { items: T[]; cursor?: string } {
  const o = decCursor(cursor, usage);
  const slice = items.slice(o, o + limit);
  return o + limit < items.length ? { items: slice, cursor: encCursor(o + limit) } : { items: slice };
}

/** `{items, cursor?}`, or a bare array under the bare-lists variant. */
export function listShape(env: Env, page: { items: unknown[]; cursor?: string }): unknown {
  return env.variants.has('bare-lists') ? page.items : page;
}
