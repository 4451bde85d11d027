/**
 * What a RingCentral result looks like, whichever route and connector produced it, read in this
 * one place: RingCentral's own body (records with `paging`/`navigation`), Membrane's
 * `{records, cursor}` or `{items, cursor}`, SDK data records `{id, name, fields, rawFields}`
 * (RingCentral's record is `rawFields`, else `fields`), bare arrays, and `{output: ...}`
 * wrappers. A list whose records cannot be recognized is an error, never an empty success.
 */
import { ToolError } from '../errors.js';
import { isObject, type JsonObject } from '../json.js';

/** Where a result came from, for errors: `action list-messages` or `RingCentral REST`. */
export type Source = { route: 'action'; key: string } | { route: 'rest' };

export interface ListPage {
  records: JsonObject[];
  /** Membrane's cursor for the next page. */
  cursor?: string;
  /** The token for the next page (team messaging's `navigation`, Video history's `paging`). */
  nextPageToken?: string;
  /** RingCentral's enumerated paging: a `navigation.nextPage` link... */
  nextPage: boolean;
  /** ...or the page count. */
  totalPages?: number;
}

/** Fields a Membrane data record carries about itself; a record with only these has lost its data. */
const RECORD_META = new Set(['id', 'name', 'uri', 'iconUri', 'createdTime', 'updatedTime', 'createdById', 'updatedById', 'deleted']);

/** The keys of the wrapper `action run` may print around an action's output. */
const WRAPPER_KEYS = new Set(['output', 'actionRunId', 'logs']);

const isWrapper = (value: unknown): value is JsonObject =>
  isObject(value) && ('output' in value || 'actionRunId' in value) && Object.keys(value).every((k) => WRAPPER_KEYS.has(k));

/**
 * An action's output without the `{output, actionRunId}` wrapper `action run` may print around it
 * (nested ones too), and the run's id; a value that is not such a wrapper is the output itself.
 * The one place the wrapper is removed: `Membrane.runAction`, and the readers below for a value
 * that still has it.
 */
export function unwrapActionOutput(value: unknown): { output: unknown; actionRunId?: string } {
  if (!isWrapper(value)) return { output: value };
  const actionRunId = typeof value.actionRunId === 'string' ? value.actionRunId : undefined;
  let current: unknown = value;
  for (let depth = 0; depth < 4 && isWrapper(current); depth++) current = current.output;
  return { output: current, actionRunId };
}

const unwrap = (value: unknown): unknown => unwrapActionOutput(value).output;

/** RingCentral's record inside a data record, the record itself, or undefined when it cannot be told. */
function vendorRecord(value: unknown): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  if (isObject(value.rawFields)) return value.rawFields;
  if (isObject(value.fields)) return 'id' in value.fields || value.id === undefined ? value.fields : { id: value.id, ...value.fields };
  return Object.keys(value).some((k) => !RECORD_META.has(k)) ? value : undefined;
}

function unreadable(source: Source, what: string): ToolError {
  const where = source.route === 'action' ? `the Membrane action ${source.key}` : "RingCentral's REST API";
  return new ToolError('unparseable_output', `${where} returned ${what}; nothing is shown rather than a wrong answer`, {
    fix:
      source.route === 'action'
        ? "restart the server with --route rest (or RINGCENTRAL_MCP_ROUTE=rest) to read RingCentral's own API through membrane request"
        : 'run the same membrane request by hand to see its output, and check `membrane --version`',
  });
}

const sample = (value: unknown): string => (JSON.stringify(value) ?? String(value)).slice(0, 120);

/** The list a result holds: itself (a bare array), its `records`, its `items` (Membrane) or its `meetings` (Video history). */
function listIn(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return undefined;
  return [value.records, value.items, value.meetings].find((list): list is unknown[] => Array.isArray(list));
}

/** What a result that holds no list looks like, for the error. */
function notAList(value: unknown): string {
  if (isObject(value)) return `no list of records (keys: ${Object.keys(value).slice(0, 8).join(', ') || 'none'})`;
  return value === undefined ? 'no output where a list was expected' : `no list of records (${sample(value)})`;
}

/** What a list result says about the next page: RingCentral's navigation and paging, Membrane's cursor. */
function pagingOf(value: JsonObject): Omit<ListPage, 'records'> {
  const navigation = isObject(value.navigation) ? value.navigation : {};
  const paging = isObject(value.paging) ? value.paging : {};
  const page: Omit<ListPage, 'records'> = { nextPage: isObject(navigation.nextPage) };
  if (typeof paging.totalPages === 'number') page.totalPages = paging.totalPages;
  if (typeof value.cursor === 'string' && value.cursor) page.cursor = value.cursor;
  // Team messaging names the next page in `navigation`, Video history in `paging`.
  const token = navigation.nextPageToken ?? paging.nextPageToken;
  if (typeof token === 'string' && token) page.nextPageToken = token;
  return page;
}

/** One page of a list result with what it says about the next page. */
export function readList(output: unknown, source: Source): ListPage {
  const value = unwrap(output);
  const list = listIn(value);
  if (!list) throw unreadable(source, notAList(value));
  const records: JsonObject[] = [];
  for (const item of list) {
    const record = vendorRecord(item);
    if (!record) throw unreadable(source, `list records without their fields (${sample(item)})`);
    records.push(record);
  }
  return isObject(value) ? { records, ...pagingOf(value) } : { records, nextPage: false };
}

/**
 * A single record result (get, create, update), or undefined when there is none (204). A read
 * that comes back without its fields is an error; a write's answer is returned as it is (an
 * action may answer a create with only the new id), since the write has happened either way.
 */
export function readRecord(output: unknown, source: Source, kind: 'read' | 'write'): unknown {
  const value = unwrap(output);
  if (!isObject(value) || Object.keys(value).length === 0) return value;
  const record = vendorRecord(value);
  if (record) return record;
  if (kind === 'write') return value;
  throw unreadable(source, `a record without its fields (${sample(value)})`);
}
