/**
 * One tool call from validated input to MCP result: read-only gate, cross-field checks, dry run,
 * duplicate SMS suppression, confirmation, the single CLI run, then compact paged output within
 * the budget. Every failure becomes an `isError` result with its fix; nothing here throws.
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition, Record_ } from '../tools/define.js';
import type { ToolContext } from './context.js';
import { ToolError, toToolError } from './errors.js';
import { rateGroup } from './guards.js';
import { decodeCursor, firstPosition, pagingInput, readPage } from './paging.js';
import type { Runtime } from './runtime.js';
import { fitBudget, listResult, view } from './shape.js';
import { parseInput } from './schemas.js';

/** Asks the person; 'unavailable' when the client could not ask, and the token flow applies. */
export type Elicit = (message: string) => Promise<'accept' | 'decline' | 'cancel' | 'unavailable'>;

export interface CallEnv {
  signal?: AbortSignal;
  /** Asks the person directly; absent when the client cannot (no elicitation capability). */
  elicit?: Elicit;
}

type Input = Record_ & { dryRun?: boolean; confirmationToken?: string; limit?: number; cursor?: string; view?: 'compact' | 'full'; fields?: string[] };

export async function callTool(def: ToolDefinition, rawInput: unknown, runtime: Runtime, env: CallEnv = {}): Promise<CallToolResult> {
  try {
    const parsed = parseInput(def, rawInput);
    if (!parsed.success) throw invalidInput(parsed.error);
    const structured = await execute(def, parsed.data as Input, runtime, env);
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

function invalidInput(error: z.ZodError): ToolError {
  const problems = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`);
  return new ToolError('invalid_input', problems.join('; '), { fix: 'correct the named field(s); nothing was sent' });
}

function contextFor(runtime: Runtime, env: CallEnv): ToolContext {
  return {
    membrane: runtime.membrane,
    run: { signal: env.signal, timeoutMs: runtime.options.timeoutMs },
    cache: runtime.cache,
    readOnly: runtime.options.readOnly,
    pinnedConnectionId: runtime.options.connectionId,
  };
}

async function execute(def: ToolDefinition, input: Input, runtime: Runtime, env: CallEnv): Promise<Record_> {
  if (runtime.options.readOnly && def.kind !== 'read') {
    throw new ToolError('not_allowed', `${def.name} changes data and the server runs in read-only mode`, { fix: 'restart the server without --read-only' });
  }
  const problem = def.validate?.(input);
  if (problem) throw new ToolError('invalid_input', problem, { fix: 'nothing was sent' });
  const ctx = contextFor(runtime, env);

  if (def.list) return list(def, input, ctx, runtime);
  const envelope = def.kind !== 'read' || def.needsConfirmation !== undefined;
  if (!envelope) {
    const output = await perform(def, input, ctx, runtime);
    return def.output ? (output as Record_) : { record: asRecord(output) };
  }

  if (input.dryRun) {
    return { status: 'dry_run', preview: await previewOf(def, input, ctx), argv: runtime.runner.argv(await argvOf(def, input, ctx)) };
  }
  const key = def.idempotencyKey ? await def.idempotencyKey(input, ctx) : undefined;
  const earlier = key ? runtime.sent.peek(key) : undefined;
  if (earlier) return { status: 'duplicate', result: earlier };

  const confirmable = def.needsConfirmation ? def.needsConfirmation(input) : def.kind === 'destructive';
  if (confirmable && runtime.options.confirm !== 'off') {
    const pending = await confirm(def, input, ctx, runtime, env);
    if (pending) return pending;
  }
  if (key) {
    const { duplicate, result } = await runtime.sent.once(key, () => perform(def, input, ctx, runtime));
    return { status: duplicate ? 'duplicate' : 'done', ...resultField(result) };
  }
  return { status: 'done', ...resultField(await perform(def, input, ctx, runtime)) };
}

const resultField = (output: unknown) => (output === undefined || output === null ? {} : { result: asRecord(output) });

const asRecord = (output: unknown): Record_ =>
  output && typeof output === 'object' && !Array.isArray(output) ? (output as Record_) : { value: output ?? null };

const actionKey = (def: ToolDefinition, input: Input): string | undefined => (typeof def.action === 'function' ? def.action(input) : def.action);

async function actionInputOf(def: ToolDefinition, input: Input, ctx: ToolContext): Promise<unknown> {
  if (def.actionInput) return def.actionInput(input, ctx);
  const { dryRun, confirmationToken, limit, cursor, view: _view, fields, ...rest } = input;
  return rest;
}

/** The one CLI run behind the tool (reads the penalty window first, notes a new one on 429). */
async function perform(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, extra: Record_ = {}): Promise<unknown> {
  const output = await performOnce(def, input, ctx, runtime, extra);
  for (const key of def.invalidates ?? []) runtime.cache.delete(key);
  return output;
}

async function performOnce(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, extra: Record_): Promise<unknown> {
  if (def.run) return def.run(input, ctx);
  const key = actionKey(def, input);
  const group = def.request ? 'request' : rateGroup(key);
  runtime.penalties.check(group);
  try {
    if (def.request) return { body: (await ctx.membrane.request(def.request(input), ctx.run)) ?? null };
    const actionInput = { ...((await actionInputOf(def, input, ctx)) as Record_), ...extra };
    return (await ctx.membrane.runAction(key!, actionInput, ctx.run)).output;
  } catch (error) {
    if (error instanceof ToolError && error.code === 'rate_limited') runtime.penalties.note(group, error.details.retryAfterSeconds ?? 60);
    throw error;
  }
}

async function argvOf(def: ToolDefinition, input: Input, ctx: ToolContext): Promise<string[]> {
  if (def.request) return ctx.membrane.requestArgv(def.request(input), ctx.run);
  const key = actionKey(def, input);
  if (!key) throw new ToolError('not_allowed', `${def.name} has no single CLI command to show`);
  return ctx.membrane.runActionArgv(key, await actionInputOf(def, input, ctx), ctx.run);
}

async function previewOf(def: ToolDefinition, input: Input, ctx: ToolContext): Promise<Record_> {
  if (def.preview) return def.preview(input, ctx);
  return { action: def.title, input: await actionInputOf(def, input, ctx) };
}

async function list(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime): Promise<Record_> {
  const spec = def.list!;
  const limit = input.limit ?? 25;
  const position = input.cursor ? decodeCursor(def.name, input.cursor) : firstPosition(spec.paging, limit);
  const output = await perform(def, input, ctx, runtime, pagingInput(position.handle));
  const page = readPage(output, position.handle);
  const mode = input.view ?? 'compact';
  return listResult(def.name, page, position, limit, runtime.options.maxResultChars, (r) => view(r, spec.compact, mode, input.fields));
}

/** Asks the person (elicitation) or hands out a token; returns the pending result, or nothing when confirmed. */
async function confirm(def: ToolDefinition, input: Input, ctx: ToolContext, runtime: Runtime, env: CallEnv): Promise<Record_ | undefined> {
  if (input.confirmationToken) {
    runtime.confirmations.consume(def.name, input, input.confirmationToken);
    return undefined;
  }
  const preview = await previewOf(def, input, ctx);
  const mode = runtime.options.confirm;
  if ((mode === 'auto' || mode === 'elicit') && env.elicit) {
    const answer = await env.elicit(`${def.title}: please confirm.\n${describe(preview)}`);
    if (answer === 'accept') return undefined;
    if (answer !== 'unavailable') throw new ToolError('declined', `the person ${answer === 'decline' ? 'declined' : 'dismissed'} the confirmation; nothing was sent or changed`);
  }
  const { token, expiresAt } = runtime.confirmations.issue(def.name, input);
  return {
    status: 'confirmation_required',
    preview,
    confirmationToken: token,
    expiresAt,
    next: 'Show this preview to the person. Only if they agree, call again with the same arguments plus confirmationToken.',
  };
}

/** A preview as lines a person reads in a confirmation dialog. */
export function describe(preview: Record_): string {
  return Object.entries(preview)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
