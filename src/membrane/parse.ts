/**
 * Turns what one Membrane CLI run printed into a value or a typed error, following the tolerance
 * rules for output Membrane does not document: banners before the JSON (json.ts), bare arrays or
 * `{items}`, wrapped or unwrapped action output, errors on stdout or stderr, error-shaped JSON
 * with exit code 0 (classified in classify.ts).
 */
import { ToolError } from '../errors.js';
import { asRingCentralError, isMembraneError, membraneError, statusLine, type ErrorContext } from './classify.js';
import { extractJson, isObject, type Json, type JsonObject } from '../json.js';
import type { CliResult } from './runner.js';

// Kept here for the modules that read JSON through this one; new code imports json.ts.
export { isObject, parseJson } from '../json.js';

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
