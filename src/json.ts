/**
 * Reading the JSON the Membrane CLI prints: the document among notice lines (banners before it,
 * or after), with RingCentral's int64 ids kept exact.
 */
import { isSafeNumber, parse as parseLossless } from 'lossless-json';

export type Json = unknown;
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const INTEGER = /^-?\d+$/;

/** A JSON number as a JS number, or as its exact digits when it is an integer a double would round. */
const exactNumber = (text: string): number | string => (isSafeNumber(text) || !INTEGER.test(text) ? Number(text) : text);

/** A key given twice in one object keeps its last value, as JSON.parse does. */
const LOSSLESS = { parseNumber: exactNumber, onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue };

/**
 * JSON.parse that keeps every digit: RingCentral's int64 ids (conversationId, message and contact
 * ids) exceed 2^53 and would come back rounded, so such integers become exact digit strings.
 * Both parsers accept the same documents (a duplicate key included), so whether a 16-digit run
 * appears (an SMS body can hold one) never changes what is read.
 */
export function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): Json {
  // Such an integer has at least 16 digits in a row; without one the native parser is exact (and faster).
  return /\d{16}/.test(text) ? parseLossless(text, reviver ?? null, LOSSLESS) : JSON.parse(text, reviver);
}

/** How many lines that start with "{" or "[" are tried as the document's start. */
const MAX_STARTS = 20;

/** Finds the JSON document in text that may carry notice lines before (or after) it. */
export function extractJson(text: string): { found: boolean; value?: Json } {
  try {
    return { found: true, value: parseJson(text) };
  } catch {
    // Fall through: look for the line where the JSON document starts.
  }
  let tries = 0;
  for (let lineStart = 0; lineStart < text.length && tries < MAX_STARTS;) {
    const lineEnd = text.indexOf('\n', lineStart);
    const next = lineEnd === -1 ? text.length : lineEnd + 1;
    const at = firstNonBlank(text, lineStart, next);
    if (text[at] === '{' || text[at] === '[') {
      tries++;
      const end = matchingClose(text, at);
      // Unclosed: every later line is inside it (a document cut short), never a document of its own.
      if (end === -1) break;
      try {
        return { found: true, value: parseJson(text.slice(at, end + 1)) };
      } catch {
        // A notice such as "[notice] ..." that merely starts with a bracket, or a broken document:
        // go on after its close, so a record inside a document that failed is never taken for the whole.
        lineStart = lineAfter(text, end);
        continue;
      }
    }
    lineStart = next;
  }
  return { found: false };
}

/** Where the line after the one holding `index` starts. */
function lineAfter(text: string, index: number): number {
  const lineEnd = text.indexOf('\n', index);
  return lineEnd === -1 ? text.length : lineEnd + 1;
}

/** The first character in [from, to) that is not a blank, or -1 (where the text has no character). */
function firstNonBlank(text: string, from: number, to: number): number {
  // Stryker disable next-line EqualityOperator: a line ends in "\n" (no blank) or at the end, where text[i] is undefined.
  for (let i = from; i < to; i++) {
    if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') return i;
  }
  return -1;
}

/**
 * The index of the bracket that closes the one at `open` (strings and escapes respected), or -1.
 * One linear scan, so a large document after a bracketed banner costs no more than parsing it.
 */
function matchingClose(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which matches nothing.
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i;
    }
  }
  // Stryker disable next-line UnaryOperator: a close at 1 would give at most 2 characters from a bracket, never a whole document.
  return -1;
}
