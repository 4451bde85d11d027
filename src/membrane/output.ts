/**
 * What one Membrane CLI run printed, read in this one place. First the value or the typed error it
 * stands for, following the tolerance rules for output Membrane does not document: banners around
 * the JSON, bare arrays or `{items}`, wrapped or unwrapped action output, errors on stdout or
 * stderr, error-shaped JSON with exit code 0 (classified in classify.ts). Then what a RingCentral
 * result looks like, whichever route and connector produced it: RingCentral's own body (records
 * with `paging`/`navigation`), Membrane's `{records, cursor}` or `{items, cursor}`, SDK data
 * records `{id, name, fields, rawFields}` (RingCentral's record is `rawFields`, else `fields`),
 * bare arrays, and `{output: ...}` wrappers. A list whose records cannot be recognized is an
 * error, never an empty success.
 */
import { ToolError } from '../errors.js';
import { extractJson, isObject, type Json, type JsonObject } from '../json.js';
import { asRingCentralError, isMembraneError, membraneError, statusLine, type ErrorContext } from './classify.js';
import type { CliResult } from './runner.js';

/**
 * What the command run is expected to print, said by the caller that ran it:
 * - `json`: a JSON document (a listing, a record); printing nothing is an error.
 * - `json-or-empty`: `request`, which prints nothing for a 204.
 * - `action-output`: `action run`, which prints nothing for an action without output (when it
 *   prints nothing on stderr either); its `{output, actionRunId}` wrapper is left to
 *   `unwrapActionOutput`.
 * - `text`: `request` of text content (an attachment served as text/plain): the body as it came.
 */
export type Expect = 'json' | 'json-or-empty' | 'action-output' | 'text';

export interface ParseOptions extends ErrorContext {
  expect?: Expect;
}

/** The value a CLI run produced, or the error it reported, read as the caller expects (`json` by default). */
export function parseCliResult(result: CliResult, options: ParseOptions = {}): Json {
  if (result.signal) {
    throw new ToolError('cli_crashed', `membrane was killed by ${result.signal} before it answered`, {
      fix: 'run the same call again; if it keeps crashing, run `membrane --version` and reinstall the CLI',
    });
  }
  const out = extractJson(result.stdout);
  if (result.exitCode !== 0) failure(result, out, options);
  // Text content (an attachment served as text/plain) is the answer as it came, unless it is an error body.
  if (options.expect === 'text' && result.stdout.trim() !== '' && !isErrorBody(out.value)) return result.stdout;
  if (!out.found) return nothingRead(result, out, options);
  // Exit code 0 with an error-shaped body is still an error: Membrane may print its error where the result goes.
  if (isMembraneError(out.value) && !hasData(out.value)) throw membraneError(out.value, result.stderr, options);
  if (isRingCentralErrorBody(out.value, result.stderr)) {
    throw membraneError(wrapUpstream(out.value, result.stderr), result.stderr, options);
  }
  return out.value;
}

/** Stdout held no JSON document: nothing, where the command may print nothing, else the error it stands for. */
function nothingRead(result: CliResult, out: { value?: Json }, options: ParseOptions): undefined {
  const stdoutEmpty = result.stdout.trim() === '';
  // Exit 0 with the error on stderr instead: the same as a non-zero exit.
  if (stdoutEmpty && isErrorBody(extractJson(result.stderr).value)) failure(result, out, options);
  if (stdoutEmpty && emptyAllowed(options.expect, result.stderr)) return undefined;
  if (stdoutEmpty && result.stderr.trim() !== '') throw membraneError(undefined, result.stderr, options);
  throw new ToolError('unparseable_output', `membrane printed something that is not JSON: ${JSON.stringify(result.stdout.slice(0, 160))}`, {
    fix: 'check `membrane --version` (an outdated CLI may print text) and run the command by hand to see its output',
  });
}

/**
 * `request` may answer 204 (whatever its status line on stderr says); an `action run` of an action
 * without output prints nothing at all once its wrapper is left out.
 */
function emptyAllowed(expect: Expect | undefined, stderr: string): boolean {
  if (expect === 'json-or-empty' || expect === 'text') return true;
  return expect === 'action-output' && stderr.trim() === '';
}

/** What RingCentral's error bodies carry; a body of nothing else is never a resource. */
const ERROR_BODY_KEYS = new Set(['errorCode', 'message', 'errors', 'parameterName', 'parameterValue']);

/**
 * RingCentral's error body printed with exit code 0: with an `errors` list, or without one (the
 * API gateway's `{"errorCode":"AGW-404","message":"Resource not found"}`, legacy codes) when the
 * status line on stderr says 400 or more, or when the body has nothing but error fields.
 */
function isRingCentralErrorBody(value: unknown, stderr: string): value is JsonObject {
  if (!isObject(value) || !asRingCentralError(value)) return false;
  if (Array.isArray(value.errors)) return true;
  return (statusLine(stderr)?.status ?? 0) >= 400 || Object.keys(value).every((key) => ERROR_BODY_KEYS.has(key));
}

const isErrorBody = (value: unknown): value is JsonObject => isMembraneError(value) || asRingCentralError(value) !== undefined;

/** The error of a failed run: a JSON error body on stdout or stderr, else its text classified. */
function failure(result: CliResult, out: { value?: Json }, options: ErrorContext): never {
  const body = [out.value, extractJson(result.stderr).value].find(isErrorBody);
  if (isMembraneError(body)) throw membraneError(body, result.stderr, options);
  if (body) throw membraneError(wrapUpstream(body, result.stderr), result.stderr, options);
  const text = result.stderr.trim() || result.stdout.trim() || `membrane exited with code ${result.exitCode}`;
  throw membraneError(undefined, text, options);
}

/**
 * A bare RingCentral body (from `request`) in the shape Membrane uses for upstream errors. It is
 * RingCentral's own answer, so one without an `errors` list (a legacy code) is read as one too.
 */
function wrapUpstream(body: JsonObject, stderr: string): JsonObject {
  // Stryker disable next-line ArrayDeclaration: an added list only marks the body; its own fields are read, not the list's.
  const errors = Array.isArray(body.errors) ? body.errors : [];
  return { data: { response: { status: statusLine(stderr)?.status, data: { ...body, errors } } } };
}

/** A Membrane error has type/key/message; a successful resource rarely has only those. */
function hasData(value: JsonObject): boolean {
  return 'id' in value || 'items' in value || 'records' in value;
}

/** A list as `{items, cursor}` or a bare array (Membrane prints either). */
export function asList(value: Json): { items: unknown[]; cursor?: string } {
  if (Array.isArray(value)) return { items: value };
  if (isObject(value) && Array.isArray(value.items)) {
    return { items: value.items, cursor: typeof value.cursor === 'string' && value.cursor ? value.cursor : undefined };
  }
  throw new ToolError('unparseable_output', `expected a list from membrane, got ${JSON.stringify(value).slice(0, 160)}`);
}

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
