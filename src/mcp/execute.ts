/**
 * One tool call from validated input to MCP result: read-only gate, cross-field checks, dry run,
 * duplicate SMS suppression, confirmation, the single CLI run on the tool's route, then compact
 * paged output within the budget. Every failure becomes an `isError` result with its fix; nothing here throws.
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { DateWindow, ListSpec, Record_, ToolDefinition } from '../../tools/define.js';
import type { ToolContext } from '../membrane/context.js';
import { argvOf, plan, runPlan, sourceOf, type Plan } from '../membrane/routing.js';
import { ToolError, toToolError } from '../errors.js';
import { type Send } from '../safety/guards.js';
import { readList, readRecord } from '../membrane/output.js';
import { decodeCursor, firstPosition, nextPage, type Handle } from '../membrane/paging.js';
import type { Runtime } from './runtime.js';
import { fitBudget, listResult, size, view } from './shape.js';
import { recordLocks } from './keyed-lock.js';
import { parseInput } from './schemas.js';

/** Asks the person; 'unavailable' when the client could not ask, and the token flow applies. */
export type Elicit = (message: string) => Promise<'accept' | 'decline' | 'cancel' | 'unanswered' | 'unavailable'>;

export interface CallEnv {
  signal?: AbortSignal;
  /** Asks the person directly; absent when the client cannot (no elicitation capability). */
  elicit?: Elicit;
}

type Input = Record_ & {
  dryRun?: boolean;
  confirmationToken?: string;
  limit?: number;
  cursor?: string;
  view?: 'compact' | 'full';
  fields?: string[];
};

export async function callTool(def: ToolDefinition, rawInput: unknown, runtime: Runtime, env: CallEnv = {}): Promise<CallToolResult> {
  try {
    const parsed = parseInput(def, rawInput);
    if (!parsed.success) throw invalidInput(parsed.error);
    const structured = await execute(def, parsed.data, runtime, env).catch((error: unknown) => {
      throw notFoundOf(def, parsed.data, error);
    });
    const fitted = fitBudget(structured, runtime.options.maxResultChars);
    return { content: [{ type: 'text', text: JSON.stringify(fitted) }], structuredContent: fitted };
  } catch (error) {
    return errorResult(toToolError(error));
  }
}

/**
 * No structuredContent on errors: SDK clients check it against the tool's outputSchema even when
 * isError is set. Details (candidates...) go in the text for the model and in _meta for code.
 */
export function errorResult(error: ToolError): CallToolResult {
  const json = error.toJSON();
  const { code: _c, message: _m, fix: _f, retryAfterSeconds: _r, actionRunId: _a, ...extra } = json;
  const text = Object.keys(extra).length ? `${error.toText()}\n${JSON.stringify(extra)}` : error.toText();
  return { isError: true, content: [{ type: 'text', text }], _meta: { 'ringcentral-mcp/error': json } };
}

/** A RingCentral 404 told in the tool's words, when it has them (see ToolDefinition.notFound). */
function notFoundOf(def: ToolDefinition, input: Input, error: unknown): unknown {
  if (!def.notFound || !(error instanceof ToolError) || error.details.upstreamCode !== 'CMN-102') return error;
  const { message, fix } = def.notFound(input);
  return new ToolError('not_found', `${message} (RingCentral CMN-102)`, { ...error.details, fix });
}

function invalidInput(error: z.ZodError): ToolError {
  const problems = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`);
  return new ToolError('invalid_input', problems.join('; '), { fix: 'correct the named field(s); nothing was sent' });
}

function contextFor(runtime: Runtime, env: CallEnv): ToolContext {
  return {
    membrane: runtime.membrane,
    routes: runtime.routes,
    run: { signal: env.signal, timeoutMs: runtime.options.timeoutMs },
    cache: runtime.cache.forCall(env.signal),
    penalties: runtime.penalties,
    pinnedConnectionId: runtime.options.connectionId,
  };
}

async function execute(def: ToolDefinition, input: Input, runtime: Runtime, env: CallEnv): Promise<Record_> {
  if (runtime.options.readOnly && def.kind !== 'read') {
    throw new ToolError('not_allowed', `${def.name} changes data and the server runs in read-only mode`, {
      fix: 'restart the server without --read-only',
    });
  }
  const problem = def.validate?.(input);
  if (problem) throw new ToolError('invalid_input', problem, { fix: 'nothing was sent' });
  const ctx = contextFor(runtime, env);
  const exec = def.exec;
  if (exec.via === 'custom') return exec.run(input, ctx);

  if (def.list) return list(def, def.list, input, ctx, runtime);
  // Writes and the proxy answer with a status (done, dry run, confirmation...); plain reads with the record.
  const answersWithStatus = def.kind !== 'read' || def.needsConfirmation !== undefined;
  if (!answersWithStatus) {
    const record = asRecord(resultOf(def, await perform(def, input, ctx, runtime)));
    return { record: def.complete ? await def.complete(record, ctx) : record };
  }

  if (input.dryRun) {
    return {
      status: 'dry_run',
      preview: await previewOf(def, input, ctx),
      argv: runtime.runner.argv(await argvOf(await plan(def, input, ctx), ctx)),
    };
  }
  const send = def.idempotencyKey ? await sendOf(def, def.idempotencyKey, input, ctx) : undefined;
  const earlier = send ? await runtime.sent.peek(send) : undefined;
  if (earlier) return { status: 'duplicate', result: earlier };

  const confirmable = def.needsConfirmation ? def.needsConfirmation(input) : def.kind === 'destructive';
  if (confirmable && runtime.options.confirm !== 'off') {
    const pending = await confirm(def, input, ctx, runtime, env);
    if (pending) return pending;
  }
  if (send) {
    // Past this, a record of the send still pending tells other processes its outcome is unknown.
    const bound = runtime.options.timeoutMs * 2 + 10_000;
    const { duplicate, result } = await runtime.sent.once(send, async () => resultOf(def, await perform(def, input, ctx, runtime)), bound);
    return { status: duplicate ? 'duplicate' : 'done', ...resultField(result) };
  }
  return { status: 'done', ...resultField(resultOf(def, await perform(def, input, ctx, runtime))) };
}

/**
 * A send as the duplicate memory sees it. Its content is the key it would have without an
 * explicit idempotencyKey, so a reused key with other recipients or text is told apart.
 */
async function sendOf(
  def: ToolDefinition,
  idempotencyKey: NonNullable<ToolDefinition['idempotencyKey']>,
  input: Input,
  ctx: ToolContext,
): Promise<Send> {
  const key = await idempotencyKey(input, ctx);
  const content = await idempotencyKey({ ...input, idempotencyKey: undefined }, ctx);
  return { key, content, summary: await previewOf(def, input, ctx) };
}

const resultField = (output: unknown) => (output === undefined || output === null ? {} : { result: asRecord(output) });

const asRecord = (output: unknown): Record_ =>
  output && typeof output === 'object' && !Array.isArray(output) ? (output as Record_) : { value: output ?? null };

interface Performed {
  output: unknown;
  planned: Plan;
}

/** The one CLI run behind the tool (in its rate-limit group: runPlan checks the penalty window). */
async function perform(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, handle?: Handle): Promise<Performed> {
  // A read-merge-write plans (reads) and runs (writes) one at a time per record.
  const key = def.exclusiveKey?.(input);
  if (key !== undefined) return recordLocks.run(`${def.name}:${key}`, () => performOnce(def, input, ctx, runtime, handle));
  return performOnce(def, input, ctx, runtime, handle);
}

async function performOnce(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, handle?: Handle): Promise<Performed> {
  const planned = await plan(def, input, ctx, handle);
  const output = await runPlan(planned, ctx);
  for (const entry of def.invalidates ?? []) runtime.cache.delete(entry);
  return { output, planned };
}

/** The proxy's body as it came; every other result read as a RingCentral record. */
const resultOf = (def: ToolDefinition, { output, planned }: Performed): unknown =>
  planned.route === 'rest' && planned.raw
    ? { body: output ?? null }
    : readRecord(output, sourceOf(planned), def.kind === 'read' ? 'read' : 'write');

async function previewOf(def: ToolDefinition, input: Input, ctx: ToolContext): Promise<Record_> {
  if (def.preview) return def.preview(input, ctx);
  const planned = await plan(def, input, ctx);
  return { action: def.title, ...(planned.route === 'action' ? { input: planned.input } : { request: planned.call }) };
}

async function list(def: ToolDefinition, spec: ListSpec, input: Input, ctx: ToolContext, runtime: Runtime): Promise<Record_> {
  const { limit, cut } = pageSize(spec, input);
  const position = input.cursor ? decodeCursor(def.name, input.cursor) : firstPosition(spec.paging, limit);
  const { output, planned } = await perform(def, input, ctx, runtime, position.handle);
  const read = nextPage(readList(output, sourceOf(planned)), position.handle);
  const page = spec.enrich ? { ...read, records: await spec.enrich(read.records, ctx, input) } : read;
  const mode = input.view ?? 'compact';
  const window = spec.window ? await spec.window(input, ctx) : undefined;
  const extras = spec.extras ? await spec.extras(input, ctx, !input.cursor) : {};
  // The window (and a hint) and the extras share the budget with the records, so the page is cut to what is left.
  const budget = runtime.options.maxResultChars - (window ? size(windowFields(window, true)) : 0) - size(extras);
  const result = listResult(def.name, page, position, limit, budget, (r) => view(r, spec.compact, mode, input.fields));
  // A page the bound made smaller than asked, with more to come, says why.
  if (cut && result.nextCursor) result.note ??= `${cut}: at most ${limit} records per call; pass nextCursor for the rest`;
  return { ...result, ...extras, ...(window ? windowFields(window, result.count === 0 && !result.nextCursor) : {}) };
}

/** The page size of this call: `limit` (25 by default), or less where the list bounds it; `cut` says why it is less. */
function pageSize(spec: ListSpec, input: Input): { limit: number; cut?: string } {
  const asked = input.limit ?? 25;
  const bound = spec.pageBound?.(input);
  return bound && bound.max < asked ? { limit: bound.max, cut: bound.why } : { limit: asked };
}

/** The date window a list read (RingCentral's default one included); when it held nothing, how to look further. */
function windowFields(window: DateWindow, empty: boolean): Record_ {
  const { from, to, timeZone, ifEmpty } = window;
  return { window: { from, to, ...(timeZone ? { timeZone } : {}) }, ...(empty && ifEmpty ? { hint: ifEmpty } : {}) };
}

/** What the person did with the dialog, in the refusal. */
const DID = { decline: 'declined', cancel: 'dismissed', unanswered: 'did not answer' } as const;

/** Asks the person (elicitation) or hands out a token; returns the pending result, or nothing when confirmed. */
async function confirm(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, env: CallEnv): Promise<Record_ | undefined> {
  if (input.confirmationToken) {
    await runtime.confirmations.consume(def.name, input, input.confirmationToken);
    return undefined;
  }
  const preview = await previewOf(def, input, ctx);
  const mode = runtime.options.confirm;
  if ((mode === 'auto' || mode === 'elicit') && env.elicit) {
    let answer: Awaited<ReturnType<Elicit>>;
    try {
      answer = await env.elicit(`${def.title}: please confirm.\n${describe(preview)}`);
    } catch (error) {
      // An asker that fails (a library caller's elicit that throws) is one that could not ask.
      if (env.signal?.aborted) throw error;
      answer = 'unavailable';
    }
    if (answer === 'accept') return undefined;
    if (answer !== 'unavailable')
      throw new ToolError('declined', `the person ${DID[answer]} the confirmation; nothing was sent or changed`);
  }
  await runtime.confirmations.ready();
  const { token, expiresAt } = runtime.confirmations.issue(def.name, input);
  return {
    status: 'confirmation_required',
    preview,
    confirmationToken: token,
    expiresAt,
    next: 'Show this preview to the person. Only if they agree, call again with the same arguments plus confirmationToken.',
  };
}

/**
 * Unicode that moves text or breaks a line without being a control character (line/paragraph
 * separators, bidi overrides and isolates, zero-width marks, C1 controls): escaped like one.
 */
const INVISIBLE = /[\u0080-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** One value on one line: JSON (strings quoted, newlines and controls escaped), invisible marks as \uXXXX. */
const quoted = (value: unknown): string =>
  (JSON.stringify(value) ?? 'null').replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A preview as lines a person reads in a confirmation dialog: one line per field, every value
 * quoted, so a text (an SMS body, an action name from the catalog) cannot fake a line of its own.
 */
export function describe(preview: Record_): string {
  return Object.entries(preview)
    .map(([k, v]) => `${quoted(k).slice(1, -1)}: ${quoted(v)}`)
    .join('\n');
}
