/**
 * Results sized for a model: compact views, `fields` picks, and a character budget that is never
 * exceeded. Lists drop records from the end (with a cursor to continue); anything else trims its
 * largest array or string and says so.
 */
import { encodeCursor, type Position, type UpstreamPage } from '../membrane/paging.js';

type Obj = Record<string, unknown>;

export const size = (value: unknown): number => JSON.stringify(value ?? null).length;

/** Reads a dot path such as `contact.email` or `to.0.phoneNumber`. */
function pick(record: Obj, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Obj)[key] : undefined), record);
}

export function view(record: Obj, compact: (r: Obj) => Obj, mode: 'compact' | 'full', fields: string[] = []): Obj {
  if (mode === 'full') return record;
  const out = compact(record);
  for (const field of fields) {
    const value = pick(record, field);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

export interface ListResult extends Obj {
  records: Obj[];
  count: number;
  nextCursor?: string;
  truncated?: boolean;
  note?: string;
}

/** The page as the client sees it: at most `limit` records, within `budget` characters. */
export function listResult(
  tool: string,
  page: UpstreamPage,
  position: Position,
  limit: number,
  budget: number,
  shapeRecord: (r: Obj) => Obj,
): ListResult {
  const wanted = page.records.slice(position.skip, position.skip + limit).map(shapeRecord);
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

  // Estimate from per-record sizes, then confirm against the real serialisation.
  let n = 0;
  let total = size(build(0)) + 64;
  for (const record of wanted) {
    const next = total + size(record) + 1;
    if (next > budget) break;
    total = next;
    n++;
  }
  let result = build(n);
  while (n > 0 && size(result) > budget) result = build(--n);
  if (n === 0 && wanted.length > 0) {
    // One record alone is larger than the budget: say so and let the cursor step past it.
    const skipped = build(1);
    result = {
      records: [],
      count: 0,
      truncated: true,
      note: 'the next record is larger than the result budget; use view "compact", fewer fields, or the get tool for it',
    };
    if (skipped.nextCursor) result.nextCursor = skipped.nextCursor;
  }
  return result;
}

/** Any other result: trims the largest array or string until it fits, marking `truncated`. */
export function fitBudget<T extends Obj>(value: T, budget: number): T {
  if (size(value) <= budget) return value;
  const copy = structuredClone(value) as Obj;
  copy.truncated = true;
  for (let round = 0; round < 200 && size(copy) > budget; round++) {
    const target = largest(copy);
    if (!target || (target.parent === copy && !Array.isArray(target.node) && typeof target.node !== 'string')) {
      dropTopLevel(copy, budget);
      break;
    }
    const { parent, key, node } = target;
    const excess = size(copy) - budget;
    if (Array.isArray(node)) {
      // Drop about as many elements as the excess needs, at least one.
      const per = Math.max(1, size(node) / Math.max(1, node.length));
      const drop = Math.min(node.length, Math.max(1, Math.ceil(excess / per)));
      node.splice(node.length - drop, drop);
    } else if (typeof node === 'string') {
      const keep = Math.max(0, node.length - excess - 40);
      (parent as Obj)[key] = `${node.slice(0, keep)}… [cut: ${node.length - keep} characters]`;
    } else {
      (parent as Obj)[key] = JSON.stringify(node).slice(0, Math.max(0, size(node) - excess - 40)) + '… [cut]';
    }
  }
  return copy as T;
}

/** Last resort when nothing below the top can shrink: drop the largest top-level fields, counting them. */
function dropTopLevel(copy: Obj, budget: number): void {
  const keys = Object.keys(copy)
    .filter((k) => k !== 'truncated' && k !== 'omittedFields')
    .sort((a, b) => size(copy[b]) - size(copy[a]));
  let omitted = 0;
  for (const key of keys) {
    if (size(copy) <= budget) break;
    delete copy[key];
    copy.omittedFields = ++omitted;
  }
}

/** The biggest array, string or object leaf below the root, by serialised size. */
function largest(root: Obj): { parent: Obj | unknown[]; key: string | number; node: unknown } | undefined {
  let best: { parent: Obj | unknown[]; key: string | number; node: unknown; weight: number } | undefined;
  const visit = (parent: Obj | unknown[], depth: number) => {
    const entries: Array<[string | number, unknown]> = Array.isArray(parent) ? parent.map((v, i) => [i, v]) : Object.entries(parent);
    for (const [key, node] of entries) {
      const weight = size(node);
      const trimmable = Array.isArray(node) ? node.length > 0 : typeof node === 'string' ? node.length > 60 : false;
      if (trimmable && (!best || weight > best.weight)) best = { parent, key, node, weight };
      if (node && typeof node === 'object' && depth < 6) visit(node as Obj, depth + 1);
    }
  };
  visit(root, 0);
  if (best) return best;
  // Nothing trimmable: cut the largest object value as text.
  const [key, node] =
    Object.entries(root)
      .filter(([k]) => k !== 'truncated')
      .sort((a, b) => size(b[1]) - size(a[1]))[0] ?? [];
  return key === undefined ? undefined : { parent: root, key, node };
}
