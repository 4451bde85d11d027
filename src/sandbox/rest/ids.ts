// Resolution of `~` and numeric ids in paths, and canonical paths for `uri` fields.
import type { Extension, Rec } from '../model.js';
import { invalid, notFound, type Ctx, type Params } from './http.js';

export function checkAccount(ctx: Ctx, p: Params): number {
  const a = p.accountId;
  if (a !== '~' && a !== String(ctx.state.accountId)) throw notFound('accountId', a);
  return ctx.state.accountId;
}

export function findExtension(ctx: Ctx, p: Params): Extension {
  checkAccount(ctx, p);
  const id = p.extensionId;
  if (id === '~') return ctx.state.extensions.find((e) => e.id === ctx.state.extId)!;
  if (!/^\d+$/.test(id)) throw invalid('extensionId', id);
  const e = ctx.state.extensions.find((x) => String(x.id) === id);
  if (!e) throw notFound('extensionId', id);
  return e;
}

export const isMe = (ctx: Ctx, ext: Extension) => ext.id === ctx.state.extId;

export function extPath(ctx: Ctx, extId: number | string): string {
  return `/restapi/v1.0/account/${ctx.state.accountId}/extension/${extId}`;
}

/** A path id that must be present (an empty one is never "all of them"). */
export function requiredId(value: string | undefined, name: string): string {
  const v = (value ?? '').trim();
  if (!v) throw invalid(name, value ?? '', `Parameter [${name}] is not specified`);
  return v;
}

/** Ids for bulk syntax: `111,222`. */
export function idList(value: string, name: string, numeric = true): string[] {
  const ids = value.split(',').map((s) => s.trim());
  for (const id of ids) {
    if (!id || (numeric && !/^\d+$/.test(id))) throw invalid(name, value);
  }
  return ids;
}

/** A stored record without the sandbox's own `_` fields. */
export type Public<T> = { [K in keyof T as K extends `_${string}` ? never : K]: T[K] };

/** Copies a record for output, dropping internal `_` fields. */
export function pub<T extends object>(r: T): Public<T> {
  const o: Rec = {};
  for (const k in r) if (k[0] !== '_') o[k] = r[k];
  return o as Public<T>;
}

export const iso = (ms: number) => new Date(ms).toISOString();
