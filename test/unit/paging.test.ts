/**
 * src/membrane/paging.ts + src/mcp/shape.ts: opaque cursors, reading every upstream paging style, and results
 * that never exceed the character budget yet continue exactly where they stopped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readList } from '../../src/membrane/output.js';
import {
  decodeCursor,
  encodeCursor,
  firstPosition,
  nextPage,
  pagingInput,
  pagingQuery,
  type Handle,
  type Position,
} from '../../src/membrane/paging.js';
import { fitBudget, listResult, size, view } from '../../src/mcp/budget.js';
import { caught } from './caught.js';

type Obj = Record<string, unknown>;
const TOOL = 'ringcentral_list_messages';
const identity = (r: Obj) => r;
/** One upstream page read as the server reads it: records (in every shape), then the next page's handle. */
const readPage = (output: unknown, handle: Handle) => nextPage(readList(output, { route: 'action', key: 'list-messages' }), handle);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('cursor encode/decode', () => {
  const handles: Handle[] = [
    { page: 3, perPage: 25 },
    { token: 'tok/+=', count: 30 },
    { count: 250 },
    { cursor: 'm-cursor', perPage: 10 },
    { perPage: 5 },
    { pageToken: 'video/tok=', perPage: 10 },
  ];

  it('round-trips every handle shape and skip', () => {
    for (const handle of handles) {
      for (const skip of [0, 1, 17]) {
        const cursor = encodeCursor(TOOL, { handle, skip });
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: safe to pass around unchanged
        expect(decodeCursor(TOOL, cursor)).toEqual({ handle, skip });
      }
    }
  });

  it('round-trips arbitrary handles and skips (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat({ max: 100_000 }),
        // What upstream tokens are made of (any other is refused: see cursor.test.ts).
        fc.stringMatching(/^[\x21-\x7e]{1,200}$/),
        (page, perPage, skip, token) => {
          const position: Position = { handle: skip % 2 ? { page, perPage } : { token, count: perPage }, skip };
          expect(decodeCursor(TOOL, encodeCursor(TOOL, position))).toEqual(position);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects the cursor of another tool, naming cursor', () => {
    const other = encodeCursor('ringcentral_list_contacts', { handle: { page: 2, perPage: 25 }, skip: 0 });
    const error = caught(() => decodeCursor(TOOL, other));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^cursor\b/);
  });

  it('rejects garbage, naming cursor', () => {
    const garbage = [
      'not a cursor',
      '!!!',
      'eyJ', // truncated base64 of '{"'
      b64('null'),
      b64('[]'),
      b64('"x"'),
      b64({ t: TOOL }),
      b64({ t: TOOL, h: null, s: 0 }),
      b64({ t: TOOL, h: { page: 1, perPage: 1 }, s: -1 }),
      b64({ t: TOOL, h: { page: 1, perPage: 1 }, s: 1.5 }),
      b64({ t: TOOL, h: { page: 1, perPage: 1 }, s: '1' }),
      b64({ t: TOOL, h: 'page1', s: 0 }),
    ];
    for (const cursor of garbage) {
      const error = caught(() => decodeCursor(TOOL, cursor));
      expect(error.code, cursor).toBe('invalid_input');
      expect(error.message, cursor).toMatch(/^cursor\b/);
    }
  });

  it('rejects random strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (cursor) => {
        expect(() => decodeCursor(TOOL, cursor)).toThrow(/cursor/);
      }),
      { numRuns: 300 },
    );
  });

  // A hand-made cursor must not smuggle input past the schema (perPage 100000 would bypass the
  // tool's maxLimit; an array handle would yield `{ perPage: undefined }`).
  it('rejects a cursor of the right tool whose handle is not a valid page/token/cursor handle', () => {
    for (const h of [{}, [], { page: 'x', perPage: 10 }, { page: 1, perPage: 100000 }, { page: 0, perPage: 10 }, { count: -1 }]) {
      expect(() => decodeCursor(TOOL, b64({ t: TOOL, h, s: 0 }))).toThrow(/cursor/);
    }
  });
});

describe('firstPosition and pagingInput', () => {
  it('starts at page 1 for enumerated paging and without a token for team messaging', () => {
    expect(firstPosition('page', 25)).toEqual({ handle: { page: 1, perPage: 25 }, skip: 0 });
    expect(firstPosition('token', 30)).toEqual({ handle: { count: 30 }, skip: 0 });
    expect(firstPosition('video', 10)).toEqual({ handle: { perPage: 10 }, skip: 0 });
  });

  it('maps each handle to the action input fields', () => {
    expect(pagingInput({ page: 2, perPage: 10 })).toEqual({ page: 2, perPage: 10 });
    expect(pagingInput({ count: 30 })).toEqual({ recordCount: 30 });
    expect(pagingInput({ token: 'T', count: 30 })).toEqual({ recordCount: 30, pageToken: 'T' });
    expect(pagingInput({ cursor: 'C', perPage: 7 })).toEqual({ cursor: 'C', perPage: 7 });
    expect(pagingInput({ perPage: 7 })).toEqual({ perPage: 7 });
    expect(pagingInput({ pageToken: 'P', perPage: 7 })).toEqual({ perPage: 7, pageToken: 'P' });
  });
});

describe('pagingQuery (the REST route)', () => {
  it("gives RingCentral's own paging parameters", () => {
    expect(pagingQuery({ page: 2, perPage: 10 })).toEqual([
      ['page', '2'],
      ['perPage', '10'],
    ]);
    expect(pagingQuery({ count: 30 })).toEqual([['recordCount', '30']]);
    expect(pagingQuery({ token: 'T', count: 30 })).toEqual([
      ['recordCount', '30'],
      ['pageToken', 'T'],
    ]);
    // RingCentral Video's meeting history: perPage, and the token from the page before.
    expect(pagingQuery({ perPage: 10 })).toEqual([['perPage', '10']]);
    expect(pagingQuery({ pageToken: 'P', perPage: 10 })).toEqual([
      ['perPage', '10'],
      ['pageToken', 'P'],
    ]);
  });

  it("refuses a Membrane cursor: RingCentral's API does not know it", () => {
    const error = caught(() => pagingQuery({ cursor: 'C', perPage: 7 }));
    expect(error.code).toBe('invalid_input');
    expect(error.details.fix).toBe('call the tool again without cursor to start from the first page');
  });
});

describe('readPage', () => {
  const recs = [
    { id: 1, type: 'SMS' },
    { id: 2, type: 'Fax' },
  ];

  it('RingCentral enumerated paging: navigation.nextPage -> next page', () => {
    const output = {
      uri: 'u',
      records: recs,
      navigation: { firstPage: { uri: 'f' }, nextPage: { uri: 'n' } },
      paging: { page: 1, perPage: 2 },
    };
    expect(readPage(output, { page: 1, perPage: 2 })).toEqual({ records: recs, next: { page: 2, perPage: 2 } });
  });

  it('RingCentral enumerated paging: paging.totalPages says whether there is more', () => {
    expect(readPage({ records: recs, paging: { page: 2, totalPages: 3 } }, { page: 2, perPage: 2 }).next).toEqual({ page: 3, perPage: 2 });
    expect(readPage({ records: recs, paging: { page: 3, totalPages: 3 } }, { page: 3, perPage: 2 }).next).toBeUndefined();
  });

  it('RingCentral enumerated paging: the last page (no nextPage, no totals) has no next', () => {
    const output = { records: recs, navigation: { firstPage: { uri: 'f' }, previousPage: { uri: 'p' } }, paging: { page: 4, perPage: 2 } };
    expect(readPage(output, { page: 4, perPage: 2 })).toEqual({ records: recs });
  });

  it('team messaging: navigation.nextPageToken -> next token with the same count', () => {
    const output = { records: recs, navigation: { prevPageToken: 'p', nextPageToken: 'NEXT' } };
    expect(readPage(output, { count: 30 })).toEqual({ records: recs, next: { token: 'NEXT', count: 30 } });
    expect(readPage({ records: recs, navigation: { prevPageToken: 'p' } }, { token: 'T', count: 30 })).toEqual({ records: recs });
  });

  it('Video meeting history: meetings[] with paging.nextPageToken -> that token with the same perPage', () => {
    const output = { meetings: recs, paging: { currentPageToken: 'CUR', nextPageToken: 'NEXT' } };
    expect(readPage(output, { perPage: 2 })).toEqual({ records: recs, next: { pageToken: 'NEXT', perPage: 2 } });
    expect(readPage(output, { pageToken: 'CUR', perPage: 2 })).toEqual({ records: recs, next: { pageToken: 'NEXT', perPage: 2 } });
    expect(readPage({ meetings: recs, paging: { currentPageToken: 'CUR' } }, { pageToken: 'CUR', perPage: 2 })).toEqual({ records: recs });
    expect(readPage({ meetings: [], paging: { currentPageToken: 'CUR' } }, { perPage: 2 })).toEqual({ records: [] });
  });

  it('Membrane {items, cursor} and {records, cursor}', () => {
    expect(readPage({ items: recs, cursor: 'c2' }, { page: 1, perPage: 2 })).toEqual({ records: recs, next: { cursor: 'c2', perPage: 2 } });
    expect(readPage({ records: recs, cursor: 'c3' }, { cursor: 'c2', perPage: 2 })).toEqual({
      records: recs,
      next: { cursor: 'c3', perPage: 2 },
    });
    expect(readPage({ items: recs, cursor: '' }, { cursor: 'c2', perPage: 2 })).toEqual({ records: recs });
  });

  it('bare arrays: records, no next', () => {
    expect(readPage(recs, { page: 1, perPage: 5 })).toEqual({ records: recs });
  });

  it('{output: ...} wrappers around any of these', () => {
    expect(readPage({ output: { records: recs, cursor: 'c2' }, actionRunId: 'r' }, { page: 1, perPage: 2 })).toEqual({
      records: recs,
      next: { cursor: 'c2', perPage: 2 },
    });
    expect(readPage({ output: recs }, { page: 1, perPage: 2 })).toEqual({ records: recs });
  });

  it("SDK data records: rawFields is RingCentral's record, else fields (with the data record's id)", () => {
    const data = [
      { id: '1', name: 'SMS from Ann', fields: { createdTime: 't' }, rawFields: recs[0] },
      { id: '2', name: 'Fax', fields: { type: 'Fax' } },
    ];
    expect(readPage({ records: data, cursor: 'c9' }, { page: 1, perPage: 2 })).toEqual({
      records: [recs[0], { id: '2', type: 'Fax' }],
      next: { cursor: 'c9', perPage: 2 },
    });
  });

  it('a list whose records cannot be recognized is an error naming the route and the fix, never an empty page', () => {
    for (const output of [
      undefined,
      null,
      'text',
      { id: 1, name: 'x' },
      [{ id: 1 }, 'x'],
      { records: [{ id: '5', name: 'Call' }] },
      { records: [7, 8] },
    ]) {
      const error = caught(() => readPage(output, { page: 1, perPage: 5 }));
      expect(error.code).toBe('unparseable_output');
      expect(error.message).toMatch(/^the Membrane action list-messages returned .+; nothing is shown rather than a wrong answer$/);
      expect(error.details.fix).toBe(
        "restart the server with --route rest (or RINGCENTRAL_MCP_ROUTE=rest) to read RingCentral's own API through membrane request",
      );
    }
  });

  it('on the REST route the same error sends the person to the CLI, not to another route', () => {
    const error = caught(() => nextPage(readList({ records: [{ id: 1 }] }, { route: 'rest' }), { page: 1, perPage: 5 }));
    expect(error.message).toBe(
      `RingCentral's REST API returned list records without their fields ({"id":1}); nothing is shown rather than a wrong answer`,
    );
    expect(error.details.fix).toBe('run the same membrane request by hand to see its output, and check `membrane --version`');
  });
});

/** A RingCentral-like upstream over a fixed data set, for each paging style. */
function upstream(all: Obj[], handle: Handle, style?: string): unknown {
  if ('pageToken' in handle || (style === 'video' && 'perPage' in handle)) {
    const start = 'pageToken' in handle ? Number(handle.pageToken.slice(1)) : 0;
    const end = start + handle.perPage;
    return {
      meetings: all.slice(start, end),
      paging: { currentPageToken: `v${start}`, ...(end < all.length ? { nextPageToken: `v${end}` } : {}) },
    };
  }
  if ('page' in handle) {
    const start = (handle.page - 1) * handle.perPage;
    const more = start + handle.perPage < all.length;
    return {
      records: all.slice(start, start + handle.perPage),
      navigation: more ? { nextPage: { uri: `p${handle.page + 1}` } } : {},
      paging: { page: handle.page, perPage: handle.perPage },
    };
  }
  if ('count' in handle) {
    const token = 'token' in handle ? handle.token : undefined;
    const start = token ? Number(token.slice(1)) : 0;
    const end = start + handle.count;
    return { records: all.slice(start, end), navigation: end < all.length ? { nextPageToken: `t${end}` } : {} };
  }
  const start = handle.cursor ? Number(handle.cursor.slice(1)) : 0;
  const end = start + handle.perPage;
  return { items: all.slice(start, end), ...(end < all.length ? { cursor: `c${end}` } : {}) };
}

/** Pages through the data set like a client that always passes nextCursor back. */
function pageThrough(all: Obj[], first: Position, limit: number, budget: number, style?: string): { ids: unknown[]; calls: number } {
  const ids: unknown[] = [];
  let position = first;
  for (let calls = 1; calls <= 10_000; calls++) {
    const page = readPage(upstream(all, position.handle, style), position.handle);
    const result = listResult(page, position, { tool: TOOL, limit: limit, budget: budget, shape: identity });
    expect(size(result)).toBeLessThanOrEqual(budget);
    expect(result.count).toBe(result.records.length);
    ids.push(...result.records.map((r) => r.id));
    if (!result.nextCursor) return { ids, calls };
    position = decodeCursor(TOOL, result.nextCursor);
  }
  throw new Error('paging did not terminate');
}

const recordOf = (id: number, length: number): Obj => ({ id, body: 'x'.repeat(length) });

describe('listResult', () => {
  it('returns everything when it fits, without cursor or truncated', () => {
    const page = { records: [{ id: 1 }, { id: 2 }] };
    const result = listResult(page, firstPosition('page', 25), { tool: TOOL, limit: 25, budget: 20_000, shape: identity });
    expect(result).toEqual({ records: [{ id: 1 }, { id: 2 }], count: 2 });
  });

  it('applies the shaping function to each record', () => {
    const page = { records: [{ id: 1, secret: 's', extra: 'e' }] };
    const result = listResult(page, firstPosition('page', 25), {
      tool: TOOL,
      limit: 25,
      budget: 20_000,
      shape: (r) => view(r, (x) => ({ id: x.id }), 'compact', ['extra']),
    });
    expect(result.records).toEqual([{ id: 1, extra: 'e' }]);
  });

  it('stops at limit with a cursor to the rest of the same upstream page (not truncated)', () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ id: i }));
    const position = firstPosition('page', 100);
    const result = listResult({ records }, position, { tool: TOOL, limit: 4, budget: 20_000, shape: identity });
    expect(result.records.map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(result.truncated).toBeUndefined();
    expect(decodeCursor(TOOL, result.nextCursor!)).toEqual({ handle: position.handle, skip: 4 });
  });

  it('moves to the next upstream page once this one is used up', () => {
    const result = listResult({ records: [{ id: 1 }], next: { page: 2, perPage: 1 } }, firstPosition('page', 1), {
      tool: TOOL,
      limit: 1,
      budget: 20_000,
      shape: identity,
    });
    expect(decodeCursor(TOOL, result.nextCursor!)).toEqual({ handle: { page: 2, perPage: 1 }, skip: 0 });
  });

  it('drops records from the end when over budget: truncated + a cursor at the first dropped record', () => {
    const records = Array.from({ length: 10 }, (_, i) => recordOf(i, 300));
    const position: Position = { handle: { page: 3, perPage: 10 }, skip: 2 };
    const result = listResult({ records, next: { page: 4, perPage: 10 } }, position, {
      tool: TOOL,
      limit: 10,
      budget: 1000,
      shape: identity,
    });
    expect(size(result)).toBeLessThanOrEqual(1000);
    expect(result.truncated).toBe(true);
    expect(result.count).toBeGreaterThan(0);
    expect(result.count).toBeLessThan(8);
    expect(result.records.map((r) => r.id)).toEqual(records.slice(2, 2 + result.count).map((r) => r.id));
    expect(decodeCursor(TOOL, result.nextCursor!)).toEqual({ handle: position.handle, skip: 2 + result.count });
  });

  it('uses as much of the budget as it can (no record that would still fit is dropped)', () => {
    const records = Array.from({ length: 20 }, (_, i) => recordOf(i, 100));
    const result = listResult({ records }, firstPosition('page', 20), { tool: TOOL, limit: 20, budget: 2000, shape: identity });
    const withOneMore = { ...result, records: records.slice(0, result.count + 1), count: result.count + 1 };
    expect(size(result)).toBeLessThanOrEqual(2000);
    // The estimate keeps a small margin; one more record must at least come close to the budget.
    expect(size(withOneMore)).toBeGreaterThan(2000 - 200);
  });

  it('a single record bigger than the budget: no records, truncated, a note, and a cursor past it', () => {
    const records = [recordOf(0, 5000), recordOf(1, 10)];
    const position = firstPosition('page', 25);
    const result = listResult({ records }, position, { tool: TOOL, limit: 25, budget: 1000, shape: identity });
    expect(size(result)).toBeLessThanOrEqual(1000);
    expect(result.records).toEqual([]);
    expect(result.count).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.note).toMatch(/larger than the result budget/);
    expect(decodeCursor(TOOL, result.nextCursor!)).toEqual({ handle: position.handle, skip: 1 });
  });

  it('a single oversized last record with nothing after it has no cursor', () => {
    const result = listResult({ records: [recordOf(0, 5000)] }, firstPosition('page', 25), {
      tool: TOOL,
      limit: 25,
      budget: 1000,
      shape: identity,
    });
    expect(result.records).toEqual([]);
    expect(result.truncated).toBe(true);
    expect(result.nextCursor).toBeUndefined();
  });

  it('never exceeds the budget (property: random record sizes, budgets >= 1000)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 60 }),
        fc.integer({ min: 1000, max: 20_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.nat({ max: 70 }),
        fc.boolean(),
        (lengths, budget, limit, skip, more) => {
          const records = lengths.map((n, i) => ({ id: i, text: 'é"\\'.repeat(Math.floor(n / 3)) }));
          const position: Position = { handle: { page: 7, perPage: 50 }, skip: Math.min(skip, records.length) };
          const result = listResult({ records, next: more ? { page: 8, perPage: 50 } : undefined }, position, {
            tool: TOOL,
            limit: limit,
            budget: budget,
            shape: identity,
          });
          expect(size(result)).toBeLessThanOrEqual(budget);
          expect(result.count).toBe(result.records.length);
          expect(result.records).toEqual(records.slice(position.skip, position.skip + result.count));
          const wanted = Math.min(limit, records.length - position.skip);
          if (result.count < wanted) expect(result.truncated).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('paging through a data set with a tiny budget: no gaps, no repeats (enumerated, token, Video history and Membrane cursor)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 0, maxLength: 80 }),
        fc.integer({ min: 1000, max: 3000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<'page' | 'token' | 'video' | 'cursor'>('page', 'token', 'video', 'cursor'),
        (lengths, budget, limit, style) => {
          const all = lengths.map((n, i) => recordOf(i, n));
          const first: Position = style === 'cursor' ? { handle: { perPage: limit }, skip: 0 } : firstPosition(style, limit);
          const { ids } = pageThrough(all, first, limit, budget, style);
          expect(ids).toEqual(all.map((r) => r.id));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('paging with the minimum budget and a large data set makes progress on every call', () => {
    const all = Array.from({ length: 200 }, (_, i) => recordOf(i, 150 + (i % 7) * 60));
    const { ids, calls } = pageThrough(all, firstPosition('page', 25), 25, 1000);
    expect(ids).toEqual(all.map((r) => r.id));
    expect(calls).toBeLessThanOrEqual(all.length);
  });
});

describe('fitBudget', () => {
  it('leaves small values untouched (same object, no truncated flag)', () => {
    const value = { record: { id: 1, name: 'Alice', tags: ['a', 'b'] } };
    const fitted = fitBudget(value, 1000);
    expect(fitted).toBe(value);
    expect(fitted).not.toHaveProperty('truncated');
  });

  it("does not modify the caller's object when it trims", () => {
    const value = { record: { text: 'y'.repeat(5000), list: Array.from({ length: 100 }, (_, i) => i) } };
    const before = JSON.stringify(value);
    const fitted: Obj = fitBudget(value, 1000);
    expect(size(fitted)).toBeLessThanOrEqual(1000);
    expect(fitted.truncated).toBe(true);
    expect(JSON.stringify(value)).toBe(before);
  });

  it('trims the largest array from its end and keeps the head', () => {
    const value = { record: { id: 'keep', items: Array.from({ length: 500 }, (_, i) => ({ n: i })) } };
    const fitted = fitBudget(value, 1000) as typeof value & { truncated?: boolean };
    expect(size(fitted)).toBeLessThanOrEqual(1000);
    expect(fitted.truncated).toBe(true);
    expect(fitted.record.id).toBe('keep');
    expect(fitted.record.items.length).toBeGreaterThan(0);
    expect(fitted.record.items[0]).toEqual({ n: 0 });
  });

  it('cuts a long string and says how much was cut', () => {
    const fitted = fitBudget<{ record: { text: string } }>({ record: { text: 'z'.repeat(10_000) } }, 1000);
    expect(size(fitted)).toBeLessThanOrEqual(1000);
    expect(fitted.record.text).toMatch(/^z+… \[cut: \d+ characters\]$/);
  });

  const key = fc.constantFrom('id', 'name', 'text', 'records', 'to', 'from', 'contact', 'body', 'a', 'b', 'c', 'uri');
  const leaf = fc.oneof(
    fc.string({ maxLength: 3000 }),
    fc.string({ unit: 'binary', maxLength: 400 }), // control and non-BMP characters: escaping changes sizes
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 40 }),
    object: fc.dictionary(key, tie('node'), { maxKeys: 8 }),
  }));

  it('never exceeds the budget for random nested objects (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, tree.node, { maxKeys: 6 }), fc.double({ min: 0.05, max: 1.5, noNaN: true }), (value, ratio) => {
        // Budgets relative to the value's size, so most runs have to trim (never below 1000).
        const budget = Math.max(1000, Math.floor(size(value) * ratio));
        const fitted = fitBudget(value, budget);
        expect(size(fitted)).toBeLessThanOrEqual(budget);
        if (size(value) <= budget) expect(fitted).toBe(value);
        else expect(fitted.truncated).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds the budget for a wide record of many small fields', () => {
    const record = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`field${i}`, i]));
    const fitted: Obj = fitBudget({ record }, 1000);
    expect(size(fitted)).toBeLessThanOrEqual(1000);
    expect(fitted.truncated).toBe(true);
  });

  // A root of many small scalar fields has nothing to trim below it; the budget must still hold.
  it('never exceeds the budget when the root itself has many small fields', () => {
    const value = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, i]));
    expect(size(fitBudget(value, 1000))).toBeLessThanOrEqual(1000);
  });

  it('never exceeds the budget for the result envelopes the server builds (property)', () => {
    fc.assert(
      fc.property(
        tree.node,
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.constantFrom('record', 'result'),
        (inner, ratio, field) => {
          const value = field === 'record' ? { record: inner } : { status: 'done', result: inner };
          const budget = Math.max(1000, Math.floor(size(value) * ratio));
          expect(size(fitBudget(value, budget))).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 300 },
    );
  });
});
