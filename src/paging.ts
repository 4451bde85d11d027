/**
 * One paging contract over every shape upstream can take: RingCentral page/perPage + navigation,
 * team-messaging pageToken, Membrane `cursor`, or a bare array. The opaque cursor handed to the
 * client is (how to fetch the page) + (how many of its records were already returned), so a
 * result cut short by the budget continues exactly where it stopped.
 */
import { ToolError } from './errors.js';
import type { Paging } from '../tools/define.js';

/** How to fetch one upstream page. */
export type Handle =
  | { page: number; perPage: number }
  | { token?: string; count: number }
  | { cursor?: string; perPage: number }
  /** A Membrane cursor over a list that sizes its pages with recordCount (team messaging). */
  | { cursor: string; count: number };

export interface Position {
  handle: Handle;
  skip: number;
}

interface Encoded {
  t: string;
  h: Handle;
  s: number;
}

export function encodeCursor(tool: string, position: Position): string {
  const payload: Encoded = { t: tool, h: position.handle, s: position.skip };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(tool: string, cursor: string): Position {
  let payload: Encoded;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Encoded;
  } catch {
    throw invalidCursor();
  }
  if (!payload || payload.t !== tool || !validHandle(payload.h) || !Number.isInteger(payload.s) || payload.s < 0 || payload.s > 100_000) {
    throw invalidCursor();
  }
  return { handle: payload.h, skip: payload.s };
}

const size = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
const optionalText = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0 && v.length <= 2000);

/** Only the handle shapes this server makes; a hand-made cursor cannot smuggle other input. */
function validHandle(h: unknown): h is Handle {
  if (!h || typeof h !== 'object' || Array.isArray(h)) return false;
  const o = h as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys === 'page,perPage') return Number.isInteger(o.page) && (o.page as number) >= 1 && size(o.perPage);
  if (keys === 'count' || keys === 'count,token') return size(o.count) && optionalText(o.token);
  if (keys === 'count,cursor') return size(o.count) && typeof o.cursor === 'string' && optionalText(o.cursor);
  if (keys === 'perPage' || keys === 'cursor,perPage') return size(o.perPage) && optionalText(o.cursor);
  return false;
}

function invalidCursor(): ToolError {
  return new ToolError('invalid_input', 'cursor: not a cursor of this tool; pass nextCursor from the previous result of the same tool unchanged');
}

export function firstPosition(paging: Paging, limit: number): Position {
  return { handle: paging === 'token' ? { count: limit } : { page: 1, perPage: limit }, skip: 0 };
}

/** The paging fields the action input gets for a handle. */
export function pagingInput(handle: Handle): Record<string, unknown> {
  if ('page' in handle) return { page: handle.page, perPage: handle.perPage };
  if ('count' in handle) {
    if ('cursor' in handle) return { cursor: handle.cursor, recordCount: handle.count };
    return handle.token ? { recordCount: handle.count, pageToken: handle.token } : { recordCount: handle.count };
  }
  return handle.cursor ? { cursor: handle.cursor, perPage: handle.perPage } : { perPage: handle.perPage };
}

export interface UpstreamPage {
  records: Record<string, unknown>[];
  next?: Handle;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records and the next page's handle, whatever the output shape. */
export function readPage(output: unknown, handle: Handle): UpstreamPage {
  if (Array.isArray(output)) return { records: output.filter(isObject) };
  if (!isObject(output)) {
    if (output === undefined || output === null) return { records: [] };
    throw new ToolError('unparseable_output', `expected a list of records, got ${JSON.stringify(output).slice(0, 120)}`);
  }
  const list = Array.isArray(output.records) ? output.records : Array.isArray(output.items) ? output.items : undefined;
  if (!list) throw new ToolError('unparseable_output', `expected records in the output, got keys ${Object.keys(output).slice(0, 8).join(', ')}`);
  const records = list.filter(isObject);
  const perPage = 'perPage' in handle ? handle.perPage : 'count' in handle ? handle.count : records.length;

  if (typeof output.cursor === 'string' && output.cursor) {
    return { records, next: 'count' in handle ? { cursor: output.cursor, count: handle.count } : { cursor: output.cursor, perPage } };
  }
  const navigation = isObject(output.navigation) ? output.navigation : {};
  if (typeof navigation.nextPageToken === 'string' && navigation.nextPageToken) {
    return { records, next: { token: navigation.nextPageToken, count: perPage } };
  }
  if ('page' in handle) {
    const paging = isObject(output.paging) ? output.paging : {};
    const more = isObject(navigation.nextPage) || (typeof paging.totalPages === 'number' && handle.page < paging.totalPages);
    if (more) return { records, next: { page: handle.page + 1, perPage: handle.perPage } };
  }
  return { records };
}
