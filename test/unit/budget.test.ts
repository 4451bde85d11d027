/**
 * src/mcp/shape.ts, exact outcomes: the most records that fit the budget and never more, empty
 * pages, compact and full views, and what fitBudget cuts, keeps and drops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, firstPosition, type Position } from '../../src/membrane/paging.js';
import { fitBudget, listResult, size, view } from '../../src/mcp/budget.js';

type Obj = Record<string, unknown>;
const TOOL = 'ringcentral_list_messages';
const same = (r: Obj) => r;
const recordOf = (id: number, length: number): Obj => ({ id, body: 'x'.repeat(length) });
const TOO_BIG = 'the next record is larger than the result budget; use view "compact", fewer fields, or the get tool for it';

describe('listResult', () => {
  const position = firstPosition('page', 30);
  const next = { page: 2, perPage: 30 };

  it('a 1,500-character budget gives at most 1,500 characters: the 11 records of 30 that fit, a cursor at the 12th', () => {
    const records = Array.from({ length: 30 }, (_, i) => recordOf(i, 100));
    const result = listResult({ records, next }, position, { tool: TOOL, limit: 30, budget: 1500, shape: same });
    expect(result).toStrictEqual({
      records: records.slice(0, 11),
      count: 11,
      nextCursor: encodeCursor(TOOL, { handle: position.handle, skip: 11 }),
      truncated: true,
    });
    expect(size(result)).toBe(1458);
  });

  it('a page that fits exactly is whole; one character less makes room for the cursor and the flag too', () => {
    const records = Array.from({ length: 5 }, (_, i) => recordOf(i, 50));
    const whole = listResult({ records }, position, { tool: TOOL, limit: 30, budget: 20_000, shape: same });
    expect(whole).toStrictEqual({ records, count: 5 });
    expect(listResult({ records }, position, { tool: TOOL, limit: 30, budget: size(whole), shape: same })).toStrictEqual(whole);
    expect(listResult({ records }, position, { tool: TOOL, limit: 30, budget: size(whole) - 1, shape: same })).toStrictEqual({
      records: records.slice(0, 3),
      count: 3,
      nextCursor: encodeCursor(TOOL, { handle: position.handle, skip: 3 }),
      truncated: true,
    });
  });

  it('an empty page is not truncated, and continues only when upstream has more', () => {
    expect(listResult({ records: [] }, position, { tool: TOOL, limit: 30, budget: 1000, shape: same })).toStrictEqual({
      records: [],
      count: 0,
    });
    expect(listResult({ records: [], next }, position, { tool: TOOL, limit: 30, budget: 1000, shape: same })).toStrictEqual({
      records: [],
      count: 0,
      nextCursor: encodeCursor(TOOL, { handle: next, skip: 0 }),
    });
  });

  it('a page read to its end continues on the next upstream page; the limit continues on the same one', () => {
    const records = [recordOf(0, 5), recordOf(1, 5), recordOf(2, 5)];
    const from1: Position = { handle: { page: 4, perPage: 3 }, skip: 1 };
    expect(listResult({ records, next }, from1, { tool: TOOL, limit: 2, budget: 20_000, shape: same })).toStrictEqual({
      records: records.slice(1),
      count: 2,
      nextCursor: encodeCursor(TOOL, { handle: next, skip: 0 }),
    });
    expect(listResult({ records, next }, from1, { tool: TOOL, limit: 1, budget: 20_000, shape: same })).toStrictEqual({
      records: [records[1]],
      count: 1,
      nextCursor: encodeCursor(TOOL, { handle: from1.handle, skip: 2 }),
    });
    expect(listResult({ records }, { ...from1, skip: 3 }, { tool: TOOL, limit: 2, budget: 20_000, shape: same })).toStrictEqual({
      records: [],
      count: 0,
    });
  });

  it('a record larger than the whole budget: none shown, truncated, the note, a cursor past it only when more follow', () => {
    const huge = recordOf(0, 3000);
    expect(listResult({ records: [huge, recordOf(1, 5)] }, position, { tool: TOOL, limit: 30, budget: 1000, shape: same })).toStrictEqual({
      records: [],
      count: 0,
      truncated: true,
      note: TOO_BIG,
      nextCursor: encodeCursor(TOOL, { handle: position.handle, skip: 1 }),
    });
    expect(listResult({ records: [huge] }, position, { tool: TOOL, limit: 30, budget: 1000, shape: same })).toStrictEqual({
      records: [],
      count: 0,
      truncated: true,
      note: TOO_BIG,
    });
    expect(listResult({ records: [huge], next }, position, { tool: TOOL, limit: 30, budget: 1000, shape: same }).nextCursor).toBe(
      encodeCursor(TOOL, { handle: next, skip: 0 }),
    );
  });

  it('shapes each record before sizing it', () => {
    const records = Array.from({ length: 30 }, (_, i) => recordOf(i, 3000));
    const result = listResult({ records }, position, { tool: TOOL, limit: 30, budget: 1000, shape: (r) => ({ id: r.id }) });
    expect(result).toStrictEqual({ records: records.map((r) => ({ id: r.id })), count: 30 });
  });

  it('gives the most records that fit, never more than the budget (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 40 }),
        fc.integer({ min: 1000, max: 6000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat({ max: 40 }),
        fc.boolean(),
        (lengths, budget, limit, skip, more) => {
          const records = lengths.map((n, i) => recordOf(i, n));
          const from: Position = { handle: { page: 3, perPage: 40 }, skip: Math.min(skip, records.length) };
          const page = { records, next: more ? next : undefined };
          const result = listResult(page, from, { tool: TOOL, limit: limit, budget: budget, shape: same });
          const wanted = records.slice(from.skip, from.skip + limit);
          expect(size(result)).toBeLessThanOrEqual(budget);
          if (result.count > 0 || wanted.length === 0) {
            expect(result.records).toStrictEqual(wanted.slice(0, result.count));
            expect(result.truncated).toBe(result.count < wanted.length ? true : undefined);
          }
          if (result.count < wanted.length && result.count > 0) {
            // One record more, as the result would carry it, is over the budget.
            const oneMore = listResult(page, from, { tool: TOOL, limit: result.count + 1, budget: Number.MAX_SAFE_INTEGER, shape: same });
            const flag = result.count + 1 < wanted.length ? size({ truncated: true }) - 1 : 0;
            expect(size(oneMore) + flag).toBeGreaterThan(budget);
          }
          if (result.nextCursor) expect(decodeCursor(TOOL, result.nextCursor).skip).toBeLessThanOrEqual(records.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('view', () => {
  const record = {
    id: 1,
    subject: 'hello',
    from: { name: 'Ann', phoneNumber: '+16505550100' },
    to: [{ phoneNumber: '+16505550101' }],
    gone: null,
    zero: 0,
  };
  const compact = (r: Obj) => ({ id: r.id });

  it('"full" is the record itself, whatever the fields', () => {
    expect(view(record, compact, 'full', ['subject'])).toBe(record);
  });

  it('"compact" is the compact form plus each field picked by its dot path', () => {
    expect(view(record, compact, 'compact')).toStrictEqual({ id: 1 });
    expect(view(record, compact, 'compact', ['from.name', 'to.0.phoneNumber', 'subject'])).toStrictEqual({
      id: 1,
      'from.name': 'Ann',
      'to.0.phoneNumber': '+16505550101',
      subject: 'hello',
    });
  });

  it('a path that leads nowhere adds nothing: missing, through null, 0 or a string', () => {
    expect(
      view(record, compact, 'compact', ['missing', 'from.missing', 'gone.x', 'zero.x', 'subject.length', 'to.5.phoneNumber']),
    ).toStrictEqual({ id: 1 });
    expect(view(record, compact, 'compact', ['gone', 'zero'])).toStrictEqual({ id: 1, gone: null, zero: 0 });
  });
});

describe('size', () => {
  it('is the length of the JSON text; nothing counts as null', () => {
    expect(size(undefined)).toBe(4);
    expect(size({ a: 'é' })).toBe(9);
  });
});

describe('fitBudget', () => {
  it('a value of exactly the budget is returned as it is; one character less is trimmed', () => {
    const value = { record: { text: 'x'.repeat(200) } };
    expect(fitBudget(value, size(value))).toBe(value);
    const cut = fitBudget(value, size(value) - 1);
    expect(cut).toStrictEqual({ record: { text: `${'x'.repeat(142)}… [cut: 58 characters]` }, truncated: true });
  });

  it('keeps the top-level fields once the result fits, cutting only the long string', () => {
    const fitted = fitBudget({ status: 'done', result: { id: 7, text: 'x'.repeat(3000) }, note: 'keep' }, 1000);
    expect(fitted).toStrictEqual({
      status: 'done',
      result: { id: 7, text: `${'x'.repeat(884)}… [cut: 2116 characters]` },
      note: 'keep',
      truncated: true,
    });
    expect(size(fitted)).toBe(984);
  });

  it('drops array elements from the end, about as many as the excess needs', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ n: i }));
    const fitted = fitBudget({ record: { id: 'keep', items } }, 1000);
    expect(fitted).toStrictEqual({ record: { id: 'keep', items: items.slice(0, 97) }, truncated: true });
  });

  it('cuts the first of two equally large strings, and only as much as needed', () => {
    expect(fitBudget({ a: 'a'.repeat(100), b: 'b'.repeat(100) }, 200)).toStrictEqual({
      a: `${'a'.repeat(28)}… [cut: 72 characters]`,
      b: 'b'.repeat(100),
      truncated: true,
    });
  });

  it('stops as soon as the value fits exactly, leaving the rest uncut', () => {
    const items = Array.from({ length: 50 }, () => 'a'.repeat(8));
    const value = { record: { items, text: 'y'.repeat(400) } };
    // Twenty items (10 characters and a comma each) over: dropping them fits exactly, and the text is then the largest.
    const budget = size({ ...value, truncated: true }) - 20 * 11;
    const fitted = fitBudget(value, budget);
    expect(fitted).toStrictEqual({ record: { items: items.slice(0, 30), text: 'y'.repeat(400) }, truncated: true });
    expect(size(fitted)).toBe(budget);
  });

  it('stops dropping fields as soon as the rest fits exactly', () => {
    const value = { big: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10 }, small: 1 };
    const rest = { small: 1, truncated: true, omittedFields: 1 };
    expect(fitBudget(value, size(rest))).toStrictEqual(rest);
  });

  it('cuts the largest of several, wherever it is', () => {
    expect(fitBudget({ a: 'a'.repeat(100), b: 'b'.repeat(300) }, 300)).toStrictEqual({
      a: 'a'.repeat(100),
      b: `${'b'.repeat(128)}… [cut: 172 characters]`,
      truncated: true,
    });
  });

  it('takes an object with a length field for an object, not an array', () => {
    const list = Array.from({ length: 30 }, (_, i) => i + 1);
    const value = { record: { meta: { length: 3, a: 'p'.repeat(50), b: 'q'.repeat(50), c: 'r'.repeat(50) }, list } };
    expect(fitBudget(value, size(value) - 1)).toStrictEqual({
      record: { meta: value.record.meta, list: list.slice(0, 23) },
      truncated: true,
    });
  });

  it('never cuts a string of 60 characters or fewer: the field goes instead', () => {
    const value = { a: 'a'.repeat(60), b: 'b'.repeat(60), c: 1 };
    expect(fitBudget(value, 140)).toStrictEqual({ b: 'b'.repeat(60), c: 1, truncated: true, omittedFields: 1 });
    expect(fitBudget({ a: 'a'.repeat(61), b: 'b'.repeat(60) }, 130)).toStrictEqual({
      a: '… [cut: 61 characters]',
      b: 'b'.repeat(60),
      truncated: true,
    });
  });

  it('looks seven levels deep for something to cut', () => {
    const nest = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : { n: nest(depth - 1, inner) });
    const list = Array.from({ length: 100 }, (_, i) => i);
    const atSeventh = fitBudget({ v: nest(6, list) }, 200) as Obj;
    expect(atSeventh).toStrictEqual({ v: nest(6, list.slice(0, 48)), truncated: true });
    expect(fitBudget({ v: nest(7, list) }, 200)).toStrictEqual({ truncated: true, omittedFields: 1 });
  });

  it('drops the largest top-level fields first when nothing below can be cut, counting them', () => {
    const value = { small: 1, big: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }, mid: { a: 1, b: 2 }, list: [] };
    expect(fitBudget(value, 60)).toStrictEqual({ small: 1, list: [], truncated: true, omittedFields: 2 });
  });

  it('stays within the budget for a record of many medium strings, and a top level of many short ones', () => {
    const record = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'y'.repeat(70)]));
    expect(size(fitBudget({ record }, 1000))).toBeLessThanOrEqual(1000);
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'x'.repeat(50)]));
    const fitted = fitBudget(wide, 1000) as Obj;
    expect(size(fitted)).toBe(981);
    expect(fitted.omittedFields).toBe(84);
    expect(fitted.k83).toBeUndefined();
    expect(fitted.k84).toBe('x'.repeat(50));
  });

  it('cuts for at most 200 rounds, then drops whole fields', () => {
    const record = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`f${String(i).padStart(3, '0')}`, 'y'.repeat(70)]));
    const after200 = Object.fromEntries(Object.entries(record).map(([k, v], i) => [k, i < 200 ? '… [cut: 70 characters]' : v]));
    const budget = size({ record: after200, truncated: true }) - 1; // a 201st round would make it fit
    expect(fitBudget({ record }, budget)).toStrictEqual({ truncated: true, omittedFields: 1 });
  });

  it('never drops the truncated flag, whatever the budget', () => {
    expect(fitBudget({ a: 'x'.repeat(100) }, 10)).toStrictEqual({ truncated: true, omittedFields: 1 });
  });

  it('reaches through nulls to what it can cut; an array holding the long text is itself the largest', () => {
    const text = 'z'.repeat(2000);
    expect(fitBudget({ record: { gone: null, part: { none: null, text } } }, 500)).toStrictEqual({
      record: { gone: null, part: { none: null, text: `${'z'.repeat(388)}… [cut: 1612 characters]` } },
      truncated: true,
    });
    expect(fitBudget({ record: { parts: [null, { text }] } }, 500)).toStrictEqual({ record: { parts: [] }, truncated: true });
  });
});
