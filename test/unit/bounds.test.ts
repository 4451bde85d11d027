/**
 * src/safety/bounds.ts in process: how deep a value or JSON text nests, and how large it is, read
 * exactly: a bound that counts wrong lets through the input that overflows a stack or the argv.
 */
import { describe, expect, it } from 'vitest';
import { byteLength, depthOf, jsonProblem, LIMITS, textDepth, textDepthProblem } from '../../src/safety/bounds.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('LIMITS', () => {
  it('keeps one argument under 128 KiB and the command line at 1 MiB', () => {
    expect(LIMITS).toEqual({ depth: 32, jsonBytes: 100_000, queryBytes: 16_000, argBytes: 131_071, argvBytes: 1_048_576 });
  });
});

describe('depthOf', () => {
  it('counts levels of objects and arrays; scalars and null are 0', () => {
    expect(depthOf(null)).toBe(0);
    expect(depthOf('x')).toBe(0);
    expect(depthOf({})).toBe(1);
    expect(depthOf({ a: null, b: 'x' })).toBe(1);
    expect(depthOf([[], [[null]]])).toBe(3);
    expect(depthOf({ a: [{ b: 1 }] })).toBe(3);
  });
  it('stops at `stop`', () => {
    expect(depthOf(JSON.parse(nested(10)), 4)).toBe(4);
    expect(depthOf(JSON.parse(nested(50)))).toBe(33);
  });
});

describe('textDepth', () => {
  it('counts brackets outside strings', () => {
    expect(textDepth('')).toBe(0);
    expect(textDepth('1')).toBe(0);
    expect(textDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(textDepth('["[[[", "{{"]')).toBe(1);
    expect(textDepth('["a[[["]')).toBe(1);
  });
  it('an escaped quote does not end a string, an escaped backslash does not escape the quote after it', () => {
    expect(textDepth('["\\"[[["]')).toBe(1);
    expect(textDepth('["\\\\", [[1]]]')).toBe(3);
  });
  it('closing brackets count down: siblings are not deeper', () => {
    expect(textDepth('[][][][]')).toBe(1);
    expect(textDepth('[{}]{}[[]]')).toBe(2);
    expect(textDepth('{"a":{},"b":{},"c":{}}')).toBe(2);
  });
  it('stops at `stop` exactly', () => {
    expect(textDepth(nested(10), 4)).toBe(4);
    expect(textDepth(nested(100_000))).toBe(33);
    expect(textDepth(nested(3), 3)).toBe(3);
  });
});

describe('textDepthProblem', () => {
  it('32 levels pass, 33 do not', () => {
    expect(textDepthProblem(nested(32))).toBeUndefined();
    expect(textDepthProblem(nested(33))).toBe('nested deeper than the limit of 32 levels');
  });
});

describe('byteLength', () => {
  it('counts UTF-8 bytes', () => {
    expect(byteLength('é€😀')).toBe(9);
  });
});

describe('jsonProblem', () => {
  it('depth first, then size as JSON, at the exact bound', () => {
    expect(jsonProblem(JSON.parse(nested(32)))).toBeUndefined();
    expect(jsonProblem(JSON.parse(nested(33)))).toBe('nested deeper than the limit of 32 levels');
    expect(jsonProblem('ab', 4)).toBeUndefined();
    expect(jsonProblem('abc', 4)).toBe('5 bytes as JSON, over the limit of 4');
    expect(jsonProblem('é', 3)).toBe('4 bytes as JSON, over the limit of 3');
    expect(jsonProblem('x'.repeat(99_998))).toBeUndefined();
    expect(jsonProblem('x'.repeat(99_999))).toBe('100001 bytes as JSON, over the limit of 100000');
  });
  it('a value with no JSON text is empty', () => {
    expect(jsonProblem(undefined, 0)).toBeUndefined();
  });
});
