/**
 * Results sized for a model: compact views, `fields` picks, and a character budget that is never
 * exceeded. Lists drop records from the end (with a cursor to continue); anything else trims its
 * largest array or string and says so.
 */
import type { JsonObject } from '../json.js';
import { encodeCursor, type Position, type UpstreamPage } from '../membrane/paging.js';

export const size = (value: unknown): number => JSON.stringify(value ?? null).length;

/** Reads a dot path such as `contact.email` or `to.0.phoneNumber`. */
function pick(record: JsonObject, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as JsonObject)[key] : undefined), record);
}

// Stryker disable next-line ArrayDeclaration: a default path that no record has adds nothing, like no path
export function view(
  record: JsonObject,
  compact: (r: JsonObject) => JsonObject,
  mode: 'compact' | 'full',
  fields: string[] = [],
): JsonObject {
  if (mode === 'full') return record;
  const out = compact(record);
  for (const field of fields) {
    const value = pick(record, field);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

export interface ListResult extends JsonObject {
  records: JsonObject[];
  count: number;
  nextCursor?: string;
  truncated?: boolean;
  note?: string;
}

/** How a page is cut for the client: the tool (its cursor), at most `limit` records, `budget` characters, each record's view. */
export interface PageCut {
  tool: string;
  limit: number;
  budget: number;
  shape: (r: JsonObject) => JsonObject;
}

/** The page as the client sees it: at most `limit` records, within `budget` characters. */
export function listResult(page: UpstreamPage, position: Position, { tool, limit, budget, shape }: PageCut): ListResult {
  const wanted = page.records.slice(position.skip, position.skip + limit).map(shape);
  const build = (n: number): ListResult => {
    const consumed = position.skip + n;
    const nextCursor =
      consumed < page.records.length
        ? encodeCursor(tool, { handle: position.handle, skip: consumed })
        : page.next
          ? encodeCursor(tool, { handle: page.next, skip: 0 })
          : undefined;
    const result: ListResult = { records: wanted.slice(0, n), count: n };
    if (nextCursor) result.nextCursor = nextCursor;
    if (n < wanted.length) result.truncated = true;
    return result;
  };

  const fits = (n: number) => size(build(n)) <= budget;
  if (fits(wanted.length)) return build(wanted.length);
  // Short of all, each record more makes the result longer: bisect for the most that fit.
  let most = 0;
  let tooMany = wanted.length;
  while (tooMany - most > 1) {
    const middle = Math.floor((most + tooMany) / 2);
    if (fits(middle)) most = middle;
    else tooMany = middle;
  }
  if (most > 0) return build(most);
  // Not even one record fits: say so and let the cursor step past it.
  const result: ListResult = {
    records: [],
    count: 0,
    truncated: true,
    note: 'the next record is larger than the result budget; use view "compact", fewer fields, or the get tool for it',
  };
  const past = build(1).nextCursor;
  if (past) result.nextCursor = past;
  return result;
}

/** Any other result: trims the largest array or string until it fits, marking `truncated`. */
export function fitBudget<T extends JsonObject>(value: T, budget: number): T {
  if (size(value) <= budget) return value;
  const copy = structuredClone(value) as JsonObject;
  copy.truncated = true;
  // Each round shrinks one array or string; a bounded number of rounds keeps a huge value cheap.
  for (let round = 0; round < 200 && size(copy) > budget; round++) {
    const target = largest(copy);
    if (!target) break;
    shrink(target, size(copy) - budget);
  }
  dropTopLevel(copy, budget);
  return copy as T;
}

interface Target {
  parent: JsonObject;
  key: string;
  node: unknown[] | string;
}

function shrink({ parent, key, node }: Target, excess: number): void {
  if (Array.isArray(node)) {
    // Drop about as many elements from the end as the excess needs (at least one: excess > 0).
    const drop = Math.min(node.length, Math.ceil(excess / (size(node) / node.length)));
    node.splice(node.length - drop, drop);
  } else {
    const keep = Math.max(0, node.length - excess - 40);
    parent[key] = `${node.slice(0, keep)}… [cut: ${node.length - keep} characters]`;
  }
}

/** Last resort when nothing below the top can shrink enough: drop the largest top-level fields, counting them. */
function dropTopLevel(copy: JsonObject, budget: number): void {
  const keys = Object.keys(copy)
    .filter((k) => k !== 'truncated')
    .sort((a, b) => size(copy[b]) - size(copy[a]));
  let omitted = 0;
  for (const key of keys) {
    if (size(copy) <= budget) return;
    delete copy[key];
    copy.omittedFields = ++omitted;
  }
}

/** What a round can shrink: a string longer than the cut marker, or a non-empty array. */
function cuttable(node: unknown): node is unknown[] | string {
  if (typeof node === 'string') return node.length > 60;
  if (!Array.isArray(node)) return false;
  // Stryker disable next-line ConditionalExpression: an empty array is the smallest thing to cut and cutting it changes nothing; whole fields go after the last round either way
  return node.length !== 0;
}

/** The biggest non-empty array or long string in the value (seven levels deep), by serialised size. */
function largest(root: JsonObject): Target | undefined {
  let best: (Target & { weight: number }) | undefined;
  const visit = (parent: JsonObject, depth: number) => {
    for (const [key, node] of Object.entries(parent)) {
      if (cuttable(node)) {
        const weight = size(node);
        if (!best || weight > best.weight) best = { parent, key, node, weight };
      }
      if (node && typeof node === 'object' && depth < 6) visit(node as JsonObject, depth + 1);
    }
  };
  visit(root, 0);
  return best;
}
