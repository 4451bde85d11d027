/**
 * One paging contract over every shape upstream can take: RingCentral page/perPage + navigation,
 * team-messaging pageToken, Membrane `cursor`, or a bare array. The opaque cursor handed to the
 * client is (how to fetch the page) + (how many of its records were already returned), so a
 * result cut short by the budget continues exactly where it stopped.
 */
import type { Paging } from '../../tools/contract.js';
import { ToolError } from '../errors.js';
import type { ListPage } from './output.js';

/** How to fetch one upstream page. */
export type Handle =
  | { page: number; perPage: number }
  | { token?: string; count: number }
  /** RingCentral Video's meeting history: perPage, and the token of a page after the first. */
  | { pageToken: string; perPage: number }
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
  let payload: Encoded | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Encoded;
  } catch {
    // Not JSON: refused below, like any payload that is not a cursor.
  }
  if (!payload || payload.t !== tool || !validHandle(payload.h) || !Number.isInteger(payload.s) || payload.s < 0 || payload.s > 100_000) {
    throw invalidCursor();
  }
  // Only the exact text encodeCursor makes: no padding, blanks, other characters or extra keys around it.
  if (encodeCursor(tool, { handle: payload.h, skip: payload.s }) !== cursor) throw invalidCursor();
  return { handle: payload.h, skip: payload.s };
}

const isPageSize = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
/** An upstream page token or Membrane cursor: 1 to 2,000 visible ASCII characters (no blank, line break or control). */
const isText = (v: unknown) => typeof v === 'string' && /^[\x21-\x7e]{1,2000}$/.test(v);
const optionalText = (v: unknown) => v === undefined || isText(v);

/** Only the handle shapes this server makes; a hand-made cursor cannot smuggle other input. */
function validHandle(h: unknown): h is Handle {
  // The keys of an array or a string are indices, so only a plain object can match a shape below.
  const o = (h ?? {}) as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys === 'page,perPage') return Number.isInteger(o.page) && (o.page as number) >= 1 && isPageSize(o.perPage);
  if (keys === 'count' || keys === 'count,token') return isPageSize(o.count) && optionalText(o.token);
  if (keys === 'count,cursor') return isPageSize(o.count) && isText(o.cursor);
  if (keys === 'perPage' || keys === 'cursor,perPage') return isPageSize(o.perPage) && optionalText(o.cursor);
  if (keys === 'pageToken,perPage') return isPageSize(o.perPage) && isText(o.pageToken);
  return false;
}

function unusableToken(token: string): ToolError {
  return new ToolError(
    'unparseable_output',
    `the next page's token is not 1 to 2,000 visible ASCII characters: ${JSON.stringify(token.slice(0, 40))}`,
    {
      fix: 'ask for a larger limit to get more records in one page, or narrow the list with its filters',
    },
  );
}

function invalidCursor(): ToolError {
  return new ToolError(
    'invalid_input',
    'cursor: not a cursor of this tool; pass nextCursor from the previous result of the same tool unchanged',
  );
}

export function firstPosition(paging: Paging, limit: number): Position {
  return { handle: paging === 'token' ? { count: limit } : paging === 'video' ? { perPage: limit } : { page: 1, perPage: limit }, skip: 0 };
}

/** The paging fields the action input gets for a handle. */
export function pagingInput(handle: Handle): Record<string, unknown> {
  if ('page' in handle) return { page: handle.page, perPage: handle.perPage };
  if ('pageToken' in handle) return { perPage: handle.perPage, pageToken: handle.pageToken };
  if ('count' in handle) {
    if ('cursor' in handle) return { cursor: handle.cursor, recordCount: handle.count };
    return handle.token ? { recordCount: handle.count, pageToken: handle.token } : { recordCount: handle.count };
  }
  return handle.cursor ? { cursor: handle.cursor, perPage: handle.perPage } : { perPage: handle.perPage };
}

/** The paging query parameters of RingCentral's REST API for a handle. */
export function pagingQuery(handle: Handle): Array<[string, string]> {
  if ('cursor' in handle && handle.cursor !== undefined) {
    throw new ToolError('invalid_input', "cursor: it continues a Membrane action list, and this tool now reads RingCentral's REST API", {
      fix: 'call the tool again without cursor to start from the first page',
    });
  }
  if ('page' in handle)
    return [
      ['page', String(handle.page)],
      ['perPage', String(handle.perPage)],
    ];
  if ('pageToken' in handle)
    return [
      ['perPage', String(handle.perPage)],
      ['pageToken', handle.pageToken],
    ];
  if ('count' in handle) {
    const token = 'token' in handle ? handle.token : undefined;
    return [['recordCount', String(handle.count)], ...(token ? [['pageToken', token] as [string, string]] : [])];
  }
  return [['perPage', String(handle.perPage)]];
}

export interface UpstreamPage {
  records: Record<string, unknown>[];
  next?: Handle;
}

/** A handle of RingCentral Video's history: its first page (perPage alone) or one after it (perPage and pageToken). */
const videoHistory = (handle: Handle): boolean => 'pageToken' in handle || Object.keys(handle).join(',') === 'perPage';

/** The records of a page and the handle of the next one, whichever paging style upstream used. */
export function nextPage(list: ListPage, handle: Handle): UpstreamPage {
  const records = list.records;
  const perPage = 'perPage' in handle ? handle.perPage : handle.count;
  // A token no cursor may carry would make a nextCursor that the next call refuses.
  for (const token of [list.cursor, list.nextPageToken]) if (token && !isText(token)) throw unusableToken(token);
  if (list.cursor)
    return { records, next: 'count' in handle ? { cursor: list.cursor, count: handle.count } : { cursor: list.cursor, perPage } };
  if (list.nextPageToken)
    return {
      records,
      next: videoHistory(handle) ? { pageToken: list.nextPageToken, perPage } : { token: list.nextPageToken, count: perPage },
    };
  if ('page' in handle && (list.nextPage || handle.page < (list.totalPages ?? 0))) {
    return { records, next: { page: handle.page + 1, perPage: handle.perPage } };
  }
  return { records };
}
