/**
 * Size and nesting bounds checked before anything reaches the CLI: the OS refuses a command line
 * over its limit (E2BIG) and deep JSON overflows the stack of whatever walks it recursively.
 */

/** Linux refuses one argument of 128 KiB or more; the whole command line stays far below ARG_MAX. */
export const LIMITS = {
  depth: 32,
  /** run_action input and proxy body, as JSON text. */
  jsonBytes: 100_000,
  /** All proxy query values together. */
  queryBytes: 16_000,
  argBytes: 128 * 1024 - 1,
  argvBytes: 1024 * 1024,
} as const;

/** How deep a JSON value nests (a scalar is 0), counted without recursion and no further than `stop`. */
export function depthOf(value: unknown, stop = LIMITS.depth + 1): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest >= stop) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * How deep JSON text nests, read off its brackets outside strings in one pass, no further than
 * `stop`: checked before parsing, since a parser walking 100,000 levels runs out of stack.
 */
export function textDepth(text: string, stop = LIMITS.depth + 1): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which matches no bracket or quote
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      deepest = Math.max(deepest, ++depth);
      if (deepest >= stop) return deepest;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** The depth problem of JSON text, before it is parsed. */
export const textDepthProblem = (text: string): string | undefined =>
  textDepth(text) > LIMITS.depth ? `nested deeper than the limit of ${LIMITS.depth} levels` : undefined;

// Stryker disable next-line StringLiteral: UTF-8 is also Node's default encoding
export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The problem with a JSON value as a field of at most `maxBytes` and LIMITS.depth levels, or undefined. */
export function jsonProblem(value: unknown, maxBytes: number = LIMITS.jsonBytes): string | undefined {
  if (depthOf(value) > LIMITS.depth) return `nested deeper than the limit of ${LIMITS.depth} levels`;
  const bytes = byteLength(JSON.stringify(value) ?? '');
  if (bytes > maxBytes) return `${bytes} bytes as JSON, over the limit of ${maxBytes}`;
  return undefined;
}
