// The three paging styles of RingCentral: A (page/perPage, enumerated), B (team messaging
// recordCount/pageToken) and C (RC Video history pageToken/perPage).
import { PLATFORM } from '../hosts.js';
import type { Rec } from '../model.js';
import type { BasicPaging, TMNavigationInfo } from '../rc.js';
import { invalid, type Query, type Req } from './http.js';
import { int, one } from './query.js';

function qs(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, vs] of Object.entries(q)) for (const v of vs) p.append(k, v);
  return p.toString();
}

/**
 * Style A. `path` is the canonical path (numeric ids, never `~`). A perPage over 1000 is clamped
 * to 1000, as RingCentral's paging definition says.
 */
export function pageA(req: Req, path: string, all: Rec[], o: { allowMax?: boolean; def?: number } = {}): Rec {
  const page = int(req.query, 'page', 1);
  const raw = one(req.query, 'perPage');
  const perPage = o.allowMax && raw === 'max' ? 1000 : Math.min(int(req.query, 'perPage', o.def ?? 100), 1000);
  const total = all.length;
  const totalPages = Math.ceil(total / perPage);
  const start = (page - 1) * perPage;
  const records = all.slice(start, start + perPage);
  const uri = (p: number) => `${PLATFORM}${path}?${qs({ ...req.query, page: [String(p)], perPage: [String(perPage)] })}`;
  const navigation: Rec = { firstPage: { uri: uri(1) } };
  if (page < totalPages) navigation.nextPage = { uri: uri(page + 1) };
  if (page > 1) navigation.previousPage = { uri: uri(Math.min(page - 1, Math.max(totalPages, 1))) };
  navigation.lastPage = { uri: uri(Math.max(totalPages, 1)) };
  // page/pageStart/pageEnd are left out for an empty page, as RingCentral does.
  const paging: Rec = records.length
    ? { page, totalPages, perPage, totalElements: total, pageStart: start, pageEnd: start + records.length - 1 }
    : { perPage, totalPages, totalElements: total };
  return { uri: uri(page), records, paging, navigation };
}

interface Token {
  k: string;
  f: Rec;
  n: number;
  a?: string;
  b?: string;
}

const enc = (t: Token) => Buffer.from(JSON.stringify(t)).toString('base64url');
function dec(s: string, kind: string): Token | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Token;
    if (t && t.k === kind && typeof t.n === 'number' && typeof t.f === 'object') return t;
  } catch {
    /* invalid */
  }
  return undefined;
}

export interface Sorted<T = Rec> {
  records: T[];
  key: (r: T) => string;
  /** 1: `records` ascend by key; -1: they descend. */
  dir: 1 | -1;
}

interface KeysetOpts {
  kind: string;
  sizeParam: string;
  def: number;
  max: number;
  /** A size over `max` is refused (RingCentral's spec declares the maximum) rather than clamped. */
  refuseOverMax?: boolean;
}

/**
 * Keyset paging behind opaque tokens that carry the original filters (so they need not be resent)
 * and the key of the page edge, so inserts between calls cause neither gaps nor repeats.
 */
function keyset<T>(req: Req, o: KeysetOpts, queryFilters: Rec, list: (f: Rec) => Sorted<T>) {
  const tok = one(req.query, 'pageToken');
  let f = queryFilters;
  const asked = int(req.query, o.sizeParam, o.def);
  if (o.refuseOverMax && asked > o.max) throw invalid(o.sizeParam, String(asked));
  let n = Math.min(asked, o.max);
  let t: Token | undefined;
  if (tok) {
    t = dec(tok, o.kind);
    if (!t) throw invalid('pageToken', tok);
    f = t.f;
    if (one(req.query, o.sizeParam) === undefined) n = t.n;
  }
  const { records, key, dir } = list(f);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  records.sort((x, y) => dir * cmp(key(x), key(y)));
  let start = 0;
  let end = n;
  if (t?.a !== undefined) {
    const a = t.a;
    start = records.findIndex((r) => dir * cmp(key(r), a) > 0);
    if (start < 0) start = records.length;
    end = start + n;
  } else if (t?.b !== undefined) {
    const b = t.b;
    end = records.findIndex((r) => dir * cmp(key(r), b) >= 0);
    if (end < 0) end = records.length;
    start = Math.max(0, end - n);
  }
  const items = records.slice(start, end);
  return {
    items,
    current: tok ?? enc({ k: o.kind, f, n }),
    next: end < records.length && items.length ? enc({ k: o.kind, f, n, a: key(items[items.length - 1]) }) : undefined,
    prev: start > 0 && items.length ? enc({ k: o.kind, f, n, b: key(items[0]) }) : undefined,
  };
}

/** Style B: `{records, navigation: {prevPageToken?, nextPageToken?}}`. */
export function pageB<T>(
  req: Req,
  kind: string,
  queryFilters: Rec,
  list: (f: Rec) => Sorted<T>,
): { records: T[]; navigation: TMNavigationInfo } {
  const p = keyset(req, { kind, sizeParam: 'recordCount', def: 30, max: 250, refuseOverMax: true }, queryFilters, list);
  const navigation: TMNavigationInfo = {};
  if (p.prev) navigation.prevPageToken = p.prev;
  if (p.next) navigation.nextPageToken = p.next;
  return { records: p.items, navigation };
}

/** Style C: `{meetings, paging: {currentPageToken, nextPageToken?}}`. */
export function pageC<T>(req: Req, kind: string, queryFilters: Rec, list: (f: Rec) => Sorted<T>): { meetings: T[]; paging: BasicPaging } {
  const p = keyset(req, { kind, sizeParam: 'perPage', def: 10, max: 100 }, queryFilters, list);
  const paging: BasicPaging = { currentPageToken: p.current };
  if (p.next) paging.nextPageToken = p.next;
  return { meetings: p.items, paging };
}
