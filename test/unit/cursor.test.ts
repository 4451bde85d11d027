/**
 * src/membrane/paging.ts, exact outcomes: which hand-made cursors are refused, team-messaging
 * pages continued by a Membrane cursor ({cursor, count}), and the paging fields of every handle.
 */
import { describe, expect, it } from 'vitest';
import type { ListPage } from '../../src/membrane/output.js';
import { decodeCursor, encodeCursor, firstPosition, nextPage, pagingInput, pagingQuery, type Handle } from '../../src/membrane/paging.js';
import { listResult } from '../../src/mcp/budget.js';
import { caught } from './caught.js';

type Obj = Record<string, unknown>;
const TOOL = 'ringcentral_list_chats';
const NOT_A_CURSOR = 'cursor: not a cursor of this tool; pass nextCursor from the previous result of the same tool unchanged';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const handMade = (h: unknown, s: unknown = 0) => b64({ t: TOOL, h, s });
const page = (records: Obj[], more: Partial<ListPage> = {}): ListPage => ({ records, nextPage: false, ...more });

/** 'accepted' with the decoded position, or the refusal's code and message. */
function decoded(cursor: string): unknown {
  try {
    return decodeCursor(TOOL, cursor);
  } catch {
    const error = caught(() => decodeCursor(TOOL, cursor));
    return `${error.code}: ${error.message}`;
  }
}
const REFUSED = `invalid_input: ${NOT_A_CURSOR}`;

describe('hand-made cursors', () => {
  it('refuses a token or a Membrane cursor that is not a string, is empty or is over 2,000 characters', () => {
    const bad = [5, ['x'], { length: 3 }, null, true, '', 'x'.repeat(2001)];
    for (const text of bad) {
      expect(decoded(handMade({ token: text, count: 10 })), JSON.stringify(text)).toBe(REFUSED);
      expect(decoded(handMade({ cursor: text, count: 10 })), JSON.stringify(text)).toBe(REFUSED);
      expect(decoded(handMade({ cursor: text, perPage: 10 })), JSON.stringify(text)).toBe(REFUSED);
    }
  });

  it('accepts a token or cursor of 1 and of 2,000 characters', () => {
    for (const text of ['x', 'y'.repeat(2000)]) {
      for (const handle of [
        { token: text, count: 10 },
        { cursor: text, count: 10 },
        { cursor: text, perPage: 10 },
      ]) {
        expect(decoded(handMade(handle, 3))).toEqual({ handle, skip: 3 });
      }
    }
  });

  it('refuses a huge, negative, fractional or non-number skip; accepts 0 to 100,000', () => {
    for (const skip of [100_001, 1e9, -1, 1.5, '1', null]) {
      expect(decoded(handMade({ page: 1, perPage: 10 }, skip)), String(skip)).toBe(REFUSED);
    }
    expect(decoded(b64({ t: TOOL, h: { page: 1, perPage: 10 } }))).toBe(REFUSED);
    for (const skip of [0, 1, 100_000])
      expect(decoded(handMade({ page: 1, perPage: 10 }, skip))).toEqual({ handle: { page: 1, perPage: 10 }, skip });
  });

  it('takes page sizes of 1 to 1,000 whole records, and pages from 1', () => {
    for (const size of [1, 1000]) {
      for (const handle of [
        { page: 1, perPage: size },
        { count: size },
        { token: 't', count: size },
        { cursor: 'c', count: size },
        { perPage: size },
        { cursor: 'c', perPage: size },
      ]) {
        expect(decoded(handMade(handle))).toEqual({ handle, skip: 0 });
      }
    }
    for (const size of [0, 1001, 2.5, '10', null]) {
      for (const handle of [
        { page: 1, perPage: size },
        { count: size },
        { token: 't', count: size },
        { cursor: 'c', count: size },
        { perPage: size },
        { cursor: 'c', perPage: size },
      ]) {
        expect(decoded(handMade(handle)), JSON.stringify(handle)).toBe(REFUSED);
      }
    }
    for (const p of [0, -1, 1.5, '2', null]) expect(decoded(handMade({ page: p, perPage: 10 })), String(p)).toBe(REFUSED);
    expect(decoded(handMade({ page: 1e6, perPage: 10 }))).toEqual({ handle: { page: 1e6, perPage: 10 }, skip: 0 });
  });

  it('reads the keys in any order, and refuses any other set of keys', () => {
    expect(decoded(handMade({ perPage: 10, page: 2 }))).toEqual({ handle: { perPage: 10, page: 2 }, skip: 0 });
    expect(decoded(handMade({ count: 10, cursor: 'c' }))).toEqual({ handle: { count: 10, cursor: 'c' }, skip: 0 });
    const others = [
      { page: 1, perPage: 10, extra: 1 },
      { page: 1 },
      { count: 10, cursor: 'c', token: 't' },
      { perPage: 10, token: 't' },
      { token: 't' },
      { cursor: 'c' },
      {},
    ];
    for (const handle of others) expect(decoded(handMade(handle)), JSON.stringify(handle)).toBe(REFUSED);
  });

  it('refuses a handle that is not an object, and a payload that is not a cursor of this tool', () => {
    for (const h of [null, [], [1, 2], 'page', 5, true]) expect(decoded(handMade(h)), JSON.stringify(h)).toBe(REFUSED);
    expect(decoded(b64({ t: TOOL, s: 0 }))).toBe(REFUSED);
    for (const payload of [null, [], 'x', 5, 0, false, { t: 'ringcentral_list_messages', h: { count: 10 }, s: 0 }]) {
      expect(decoded(b64(payload)), JSON.stringify(payload)).toBe(REFUSED);
    }
    expect(decoded('{"t":"ringcentral_list_chats"}')).toBe(REFUSED); // not base64url of JSON
  });

  it('refuses a token or Membrane cursor holding a line break, a blank, a control or a non-ASCII character', () => {
    for (const text of ['a\nb', 'a\r\nrecordCount=1', 'a b', 'a\tb', 'a\u0000b', 'a\u007fb', 'x\u2028y', 'caf\u00e9', '\n']) {
      expect(decoded(handMade({ token: text, count: 10 })), JSON.stringify(text)).toBe(REFUSED);
      expect(decoded(handMade({ cursor: text, count: 10 })), JSON.stringify(text)).toBe(REFUSED);
      expect(decoded(handMade({ cursor: text, perPage: 10 })), JSON.stringify(text)).toBe(REFUSED);
    }
    const visible = '!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~';
    expect(decoded(handMade({ token: visible, count: 10 }))).toEqual({ handle: { token: visible, count: 10 }, skip: 0 });
  });

  it('takes only the exact text this server makes: no padding, blanks, other alphabets, spacing or extra keys', () => {
    const cursor = handMade({ token: 'T', count: 10 }, 3);
    expect(decoded(cursor)).toEqual({ handle: { token: 'T', count: 10 }, skip: 3 });
    const json = JSON.stringify({ t: TOOL, h: { token: 'T', count: 10 }, s: 3 });
    const variants = [
      `${cursor}=`,
      Buffer.from(json).toString('base64'), // padded, and + / where base64url has - _
      `${cursor}\n`,
      ` ${cursor}`,
      `${cursor.slice(0, 8)}\n${cursor.slice(8)}`,
      `${cursor.slice(0, 8)}.${cursor.slice(8)}`,
      Buffer.from(`${json}\n`).toString('base64url'),
      Buffer.from(json.replace(',', ', ')).toString('base64url'),
      b64({ t: TOOL, h: { token: 'T', count: 10 }, s: 3, x: 1 }),
      b64({ s: 3, t: TOOL, h: { token: 'T', count: 10 } }),
    ];
    for (const variant of variants) expect(decoded(variant), JSON.stringify(variant)).toBe(REFUSED);
  });

  it('round-trips every shape this server makes', () => {
    const handles: Handle[] = [
      { page: 2, perPage: 25 },
      { count: 30 },
      { token: 'T', count: 30 },
      { cursor: 'C', count: 30 },
      { perPage: 5 },
      { cursor: 'C', perPage: 5 },
    ];
    for (const handle of handles) expect(decodeCursor(TOOL, encodeCursor(TOOL, { handle, skip: 7 }))).toEqual({ handle, skip: 7 });
    expect(encodeCursor(TOOL, { handle: { count: 30 }, skip: 7 })).toBe(b64({ t: TOOL, h: { count: 30 }, s: 7 }));
  });
});

describe('paging fields of each handle', () => {
  it('action input: page/perPage, recordCount with pageToken or Membrane cursor, perPage with cursor', () => {
    expect(pagingInput({ page: 3, perPage: 10 })).toStrictEqual({ page: 3, perPage: 10 });
    expect(pagingInput({ count: 30 })).toStrictEqual({ recordCount: 30 });
    expect(pagingInput({ token: 'T', count: 30 })).toStrictEqual({ recordCount: 30, pageToken: 'T' });
    expect(pagingInput({ token: '', count: 30 })).toStrictEqual({ recordCount: 30 });
    expect(pagingInput({ cursor: 'C', count: 30 })).toStrictEqual({ cursor: 'C', recordCount: 30 });
    expect(pagingInput({ cursor: 'C', perPage: 7 })).toStrictEqual({ cursor: 'C', perPage: 7 });
    expect(pagingInput({ cursor: '', perPage: 7 })).toStrictEqual({ perPage: 7 });
    expect(pagingInput({ perPage: 7 })).toStrictEqual({ perPage: 7 });
  });

  it("REST query: RingCentral's names; a Membrane cursor of either shape is refused with the fix", () => {
    expect(pagingQuery({ page: 3, perPage: 10 })).toEqual([
      ['page', '3'],
      ['perPage', '10'],
    ]);
    expect(pagingQuery({ count: 30 })).toEqual([['recordCount', '30']]);
    expect(pagingQuery({ token: '', count: 30 })).toEqual([['recordCount', '30']]);
    expect(pagingQuery({ token: 'T', count: 30 })).toEqual([
      ['recordCount', '30'],
      ['pageToken', 'T'],
    ]);
    expect(pagingQuery({ perPage: 7 })).toEqual([['perPage', '7']]);
    expect(pagingQuery({ cursor: undefined, perPage: 7 })).toEqual([['perPage', '7']]);
    for (const handle of [
      { cursor: 'C', count: 30 },
      { cursor: 'C', perPage: 7 },
    ] as Handle[]) {
      const error = caught(() => pagingQuery(handle));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toBe("cursor: it continues a Membrane action list, and this tool now reads RingCentral's REST API");
      expect(error.details).toEqual({ fix: 'call the tool again without cursor to start from the first page' });
    }
  });

  it('first positions: page 1 of RingCentral paging, no token for team messaging', () => {
    expect(firstPosition('page', 25)).toStrictEqual({ handle: { page: 1, perPage: 25 }, skip: 0 });
    expect(firstPosition('token', 30)).toStrictEqual({ handle: { count: 30 }, skip: 0 });
  });
});

describe('the next page', () => {
  const records = [{ id: 1 }, { id: 2 }];

  it('a token that no cursor may carry is an error now, not a nextCursor the next call refuses', () => {
    for (const more of [{ cursor: 'c\n2' }, { nextPageToken: 'N 2' }, { nextPageToken: 'x'.repeat(2001) }]) {
      const error = caught(() => nextPage(page(records, more), { count: 30 }));
      expect(error.code, JSON.stringify(more)).toBe('unparseable_output');
      expect(error.message).toMatch(/^the next page's token is not 1 to 2,000 visible ASCII characters: "/);
    }
  });

  it('team messaging over a Membrane cursor: page 1 and page 2 continue with {cursor, count}', () => {
    expect(nextPage(page(records, { cursor: 'c2' }), { count: 30 })).toStrictEqual({ records, next: { cursor: 'c2', count: 30 } });
    expect(nextPage(page(records, { cursor: 'c3' }), { cursor: 'c2', count: 30 })).toStrictEqual({
      records,
      next: { cursor: 'c3', count: 30 },
    });
    expect(nextPage(page(records), { cursor: 'c3', count: 30 })).toStrictEqual({ records });
  });

  it('a Membrane cursor over RingCentral paging continues with {cursor, perPage}', () => {
    expect(nextPage(page(records, { cursor: 'c2' }), { page: 1, perPage: 2 })).toStrictEqual({
      records,
      next: { cursor: 'c2', perPage: 2 },
    });
    expect(nextPage(page(records, { cursor: 'c3' }), { cursor: 'c2', perPage: 2 })).toStrictEqual({
      records,
      next: { cursor: 'c3', perPage: 2 },
    });
  });

  it('a page token keeps the page size of any handle', () => {
    expect(nextPage(page(records, { nextPageToken: 'N' }), { count: 30 })).toStrictEqual({ records, next: { token: 'N', count: 30 } });
    expect(nextPage(page(records, { nextPageToken: 'N' }), { cursor: 'c', perPage: 7 })).toStrictEqual({
      records,
      next: { token: 'N', count: 7 },
    });
    expect(nextPage(page(records, { nextPageToken: 'N' }), { page: 2, perPage: 5 })).toStrictEqual({
      records,
      next: { token: 'N', count: 5 },
    });
  });

  it('RingCentral paging: the next page while navigation says so or pages remain', () => {
    expect(nextPage(page(records, { nextPage: true }), { page: 4, perPage: 2 })).toStrictEqual({ records, next: { page: 5, perPage: 2 } });
    expect(nextPage(page(records, { totalPages: 3 }), { page: 2, perPage: 2 })).toStrictEqual({ records, next: { page: 3, perPage: 2 } });
    expect(nextPage(page(records, { totalPages: 3 }), { page: 3, perPage: 2 })).toStrictEqual({ records });
    expect(nextPage(page(records, { totalPages: 0 }), { page: 1, perPage: 2 })).toStrictEqual({ records });
    expect(nextPage(page(records), { page: 1, perPage: 2 })).toStrictEqual({ records });
    expect(nextPage(page(records, { nextPage: true, totalPages: 9 }), { count: 2 })).toStrictEqual({ records });
  });
});

describe('paging a team-messaging list through a Membrane cursor', () => {
  /** The connector: `recordCount` per page, a cursor to the rest, as the action input asks. */
  const connector = (all: Obj[], input: Record<string, unknown>) => {
    const start = typeof input.cursor === 'string' ? Number(input.cursor.slice(1)) : 0;
    const end = start + Number(input.recordCount);
    return page(all.slice(start, end), end < all.length ? { cursor: `c${end}` } : {});
  };

  it('reaches every chat exactly once: page 2 is asked with the cursor, not page 1 again', () => {
    const all = Array.from({ length: 23 }, (_, i) => ({ id: `chat-${i}` }));
    const seen: unknown[] = [];
    const inputs: unknown[] = [];
    let position = firstPosition('token', 10);
    for (let call = 0; call < 10; call++) {
      const input = pagingInput(position.handle);
      inputs.push(input);
      const result = listResult(nextPage(connector(all, input), position.handle), position, {
        tool: TOOL,
        limit: 10,
        budget: 20_000,
        shape: (r) => r,
      });
      seen.push(...result.records.map((r) => r.id));
      if (!result.nextCursor) break;
      position = decodeCursor(TOOL, result.nextCursor);
    }
    expect(seen).toEqual(all.map((r) => r.id));
    expect(inputs).toEqual([{ recordCount: 10 }, { cursor: 'c10', recordCount: 10 }, { cursor: 'c20', recordCount: 10 }]);
  });
});
