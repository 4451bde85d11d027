/**
 * One tool call, as one object, from raw arguments to MCP result. `callTool` validates the input
 * once and builds the call where it comes in: the definition, the validated input, the runtime,
 * the caller's environment and what the tool sees (`ctx`). Then an ordered list of steps, each of
 * which may answer the call (read-only gate, cross-field checks, custom tools, lists, plain reads,
 * dry run, duplicate SMS, confirmation), the run itself, and the budget. What a call needs more
 * than once is worked out once: its plan (per page), its preview, its send. Every failure becomes
 * an `isError` result with its fix; nothing here throws.
 */
import type { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, DateWindow, JsonObject, ListSpec } from '../../tools/contract.js';
import { ToolError, toToolError } from '../errors.js';
import { CallContext } from '../membrane/call-context.js';
import { readList, readRecord } from '../membrane/output.js';
import { decodeCursor, firstPosition, nextPage, type Handle } from '../membrane/paging.js';
import { argvOf, plan, runPlan, type Plan } from '../membrane/routing.js';
import type { Send } from '../safety/sent-log.js';
import { fitBudget, listResult, view } from './budget.js';
import { recordLocks } from './keyed-lock.js';
import type { Runtime } from './runtime.js';
import { parseInput, type CallInput } from './schemas.js';

/** Asks the person; 'unavailable' when the client could not ask, and the token flow applies. */
export type Elicit = (message: string) => Promise<'accept' | 'decline' | 'cancel' | 'unanswered' | 'unavailable'>;

export interface CallEnv {
  signal?: AbortSignal;
  /** Asks the person directly; absent when the client cannot (no elicitation capability). */
  elicit?: Elicit;
}

export async function callTool(def: AnyTool, rawInput: unknown, runtime: Runtime, env: CallEnv = {}): Promise<CallToolResult> {
  try {
    const parsed = parseInput(def, rawInput);
    if (!parsed.success) throw invalidInput(parsed.error);
    const structured = await execute(new ToolCall(def, parsed.data, runtime, env)).catch((error: unknown) => {
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
function notFoundOf(def: AnyTool, input: JsonObject, error: unknown): unknown {
  if (!def.notFound || !(error instanceof ToolError) || error.details.upstreamCode !== 'CMN-102') return error;
  const { message, fix } = def.notFound(input);
  return new ToolError('not_found', `${message} (RingCentral CMN-102)`, { ...error.details, fix });
}

function invalidInput(error: z.ZodError): ToolError {
  const problems = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`);
  return new ToolError('invalid_input', problems.join('; '), { fix: 'correct the named field(s); nothing was sent' });
}

/** One step of a call: its answer, or nothing to go on to the next step. */
type Step = (call: ToolCall) => JsonObject | undefined | Promise<JsonObject | undefined>;

/** In read-only mode, nothing but a read runs. */
const readOnlyGate: Step = ({ def, runtime }) => {
  if (!runtime.options.readOnly || def.kind === 'read') return undefined;
  throw new ToolError('not_allowed', `${def.name} changes data and the server runs in read-only mode`, {
    fix: 'restart the server without --read-only',
  });
};

/** Checks across fields that a schema cannot express. */
const crossFieldChecks: Step = ({ def, input }) => {
  const problem = def.validate?.(input);
  if (problem) throw new ToolError('invalid_input', problem, { fix: 'nothing was sent' });
  return undefined;
};

/** A tool that is neither one action nor one request answers itself. */
const custom: Step = ({ def, input, ctx }) => (def.exec.via === 'custom' ? def.exec.run(input, ctx) : undefined);

const list: Step = (call) => (call.def.list ? call.list(call.def.list) : undefined);

const plainRead: Step = (call) => (call.answersWithStatus ? undefined : call.record());

/** Nothing runs: what would be done, and the command line. */
const dryRun: Step = async (call) =>
  call.input.dryRun ? { status: 'dry_run', preview: await call.preview(), argv: await call.argv() } : undefined;

/** The same send made within the window: its first result, nothing sent again. */
const duplicate: Step = async (call) => {
  const send = await call.send();
  const earlier = send ? await call.runtime.sent.peek(send) : undefined;
  return earlier ? { status: 'duplicate', result: earlier } : undefined;
};

const confirmation: Step = (call) => (call.needsConfirmation && call.runtime.options.confirm !== 'off' ? call.confirm() : undefined);

/** The run; a send is recorded, so a repeat of it (here or in another process) is not sent again. */
const run = async (call: ToolCall): Promise<JsonObject> => {
  const send = await call.send();
  if (!send) return { status: 'done', ...resultField(await call.result()) };
  // Past this, a record of the send still pending tells other processes its outcome is unknown.
  const bound = call.runtime.options.timeoutMs * 2 + 10_000;
  const { duplicate, result } = await call.runtime.sent.once(send, () => call.result(), bound);
  return { status: duplicate ? 'duplicate' : 'done', ...resultField(result) };
};

/** The steps before the run, in order: the first that answers ends the call. */
const STEPS: readonly Step[] = [readOnlyGate, crossFieldChecks, custom, list, plainRead, dryRun, duplicate, confirmation];

async function execute(call: ToolCall): Promise<JsonObject> {
  for (const step of STEPS) {
    const answer = await step(call);
    if (answer) return answer;
  }
  return run(call);
}

/** What one CLI run gave, and the plan it ran. */
interface Performed {
  output: unknown;
  planned: Plan;
}

/** What the person did with the dialog, in the refusal. */
const DID = { decline: 'declined', cancel: 'dismissed', unanswered: 'did not answer' } as const;

const asRecord = (output: unknown): JsonObject =>
  output && typeof output === 'object' && !Array.isArray(output) ? (output as JsonObject) : { value: output ?? null };

/** A write's answer as the `result` field (none when RingCentral answered with no body). */
export const resultField = (output: unknown): JsonObject => (output === undefined || output === null ? {} : { result: asRecord(output) });

export class ToolCall {
  readonly ctx: CallContext;
  private readonly plans = new Map<string, Promise<Plan>>();
  private previewed?: Promise<JsonObject>;
  private sendOnce?: Promise<Send | undefined>;

  constructor(
    readonly def: AnyTool,
    readonly input: CallInput,
    readonly runtime: Runtime,
    readonly env: CallEnv = {},
  ) {
    this.ctx = new CallContext({
      membrane: runtime.membrane,
      routes: runtime.routes,
      limits: { signal: env.signal, timeoutMs: runtime.options.timeoutMs },
      cache: runtime.cache.forCall(env.signal),
      penalties: runtime.penalties,
      pinnedConnectionId: runtime.options.connectionId,
    });
  }

  /** Writes and the proxy answer with a status (done, dry run, confirmation...); plain reads with the record. */
  get answersWithStatus(): boolean {
    return this.def.kind !== 'read' || this.def.needsConfirmation !== undefined;
  }

  /** Whether this call waits for the person's yes (the server's `--confirm off` aside). */
  get needsConfirmation(): boolean {
    return this.def.needsConfirmation ? this.def.needsConfirmation(this.input) : this.def.kind === 'destructive';
  }

  /** The one CLI run behind the call (a list's: for that page), planned once. */
  plan(handle?: Handle): Promise<Plan> {
    const key = JSON.stringify(handle ?? null);
    let planned = this.plans.get(key);
    if (!planned) {
      planned = plan(this.def, this.input, this.ctx, handle);
      this.plans.set(key, planned);
    }
    return planned;
  }

  /** What the call will do, for the person: the tool's own preview, else the plan's input or request. */
  preview(): Promise<JsonObject> {
    this.previewed ??= this.def.preview ? this.def.preview(this.input, this.ctx) : this.planPreview();
    return this.previewed;
  }

  private async planPreview(): Promise<JsonObject> {
    const planned = await this.plan();
    return { action: this.def.title, ...(planned.route === 'action' ? { input: planned.input } : { request: planned.call }) };
  }

  /** The command line the call would run (dry run). */
  async argv(): Promise<string[]> {
    return this.runtime.runner.argv(await argvOf(await this.plan(), this.ctx));
  }

  /** The one CLI run behind the call, in its rate-limit group (runPlan checks the penalty window). */
  perform(handle?: Handle): Promise<Performed> {
    // A read-merge-write plans (reads) and runs (writes) one at a time per record.
    const key = this.def.exclusiveKey?.(this.input);
    if (key !== undefined) return recordLocks.run(`${this.def.name}:${key}`, () => this.performOnce(handle));
    return this.performOnce(handle);
  }

  private async performOnce(handle?: Handle): Promise<Performed> {
    const planned = await this.plan(handle);
    const output = await runPlan(planned, this.ctx);
    for (const entry of this.def.invalidates ?? []) this.runtime.cache.delete(entry);
    return { output, planned };
  }

  /** The call's result: the proxy's body as it came; every other one read as a RingCentral record. */
  async result(): Promise<unknown> {
    const { output, planned } = await this.perform();
    if (planned.route === 'rest' && planned.raw) return { body: output ?? null };
    return readRecord(output, planned, this.def.kind === 'read' ? 'read' : 'write');
  }

  /** A plain read's answer: the record, completed by the tool when it needs more. */
  async record(): Promise<JsonObject> {
    const record = asRecord(await this.result());
    return { record: this.def.complete ? await this.def.complete(record, this.ctx) : record };
  }

  /**
   * The call as the duplicate memory sees it, when the tool has an idempotency key. Its content is
   * the key it would have without an explicit idempotencyKey, so a reused key with other
   * recipients or text is told apart.
   */
  send(): Promise<Send | undefined> {
    this.sendOnce ??= this.sendOf();
    return this.sendOnce;
  }

  private async sendOf(): Promise<Send | undefined> {
    const idempotencyKey = this.def.idempotencyKey;
    if (!idempotencyKey) return undefined;
    const key = await idempotencyKey(this.input, this.ctx);
    const content =
      this.input.idempotencyKey === undefined ? key : await idempotencyKey({ ...this.input, idempotencyKey: undefined }, this.ctx);
    return { key, content, summary: await this.preview() };
  }

  /** One page of a list tool, within the budget. */
  async list(spec: ListSpec): Promise<JsonObject> {
    const { input } = this;
    const { limit, cut } = pageSize(spec, input);
    const position = input.cursor ? decodeCursor(this.def.name, input.cursor) : firstPosition(spec.paging, limit);
    const { output, planned } = await this.perform(position.handle);
    const read = nextPage(readList(output, planned), position.handle);
    const page = spec.enrich ? { ...read, records: await spec.enrich(read.records, this.ctx, input) } : read;
    const window = spec.window ? await spec.window(input, this.ctx) : undefined;
    const extras = spec.extras ? await spec.extras(input, this.ctx, !input.cursor) : {};
    // The window (and a hint) and the extras share the budget with the records, so the page is cut to what is left.
    const budget =
      this.runtime.options.maxResultChars -
      (window ? JSON.stringify(windowFields(window, true)).length : 0) -
      JSON.stringify(extras).length;
    const shape = (r: JsonObject) => view(r, spec.compact, input.view ?? 'compact', input.fields);
    const result = listResult(page, position, { tool: this.def.name, limit, budget, shape });
    // A page the bound made smaller than asked, with more to come, says why.
    if (cut && result.nextCursor) result.note ??= `${cut}: at most ${limit} records per call; pass nextCursor for the rest`;
    return { ...result, ...extras, ...(window ? windowFields(window, result.count === 0 && !result.nextCursor) : {}) };
  }

  /** Asks the person (elicitation) or hands out a token; the pending result, or nothing when confirmed. */
  async confirm(): Promise<JsonObject | undefined> {
    const { def, input, runtime } = this;
    if (input.confirmationToken) {
      await runtime.confirmations.consume(def.name, input, input.confirmationToken);
      return undefined;
    }
    const preview = await this.preview();
    if (await this.askedYes(preview)) return undefined;
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

  /** The person's yes through the client; false when the client could not ask (the token flow follows). */
  private async askedYes(preview: JsonObject): Promise<boolean> {
    const { elicit, signal } = this.env;
    const mode = this.runtime.options.confirm;
    if (!(mode === 'auto' || mode === 'elicit') || !elicit) return false;
    let answer: Awaited<ReturnType<Elicit>>;
    try {
      answer = await elicit(`${this.def.title}: please confirm.\n${describe(preview)}`);
    } catch (error) {
      // An asker that fails (a library caller's elicit that throws) is one that could not ask.
      if (signal?.aborted) throw error;
      answer = 'unavailable';
    }
    if (answer === 'accept') return true;
    if (answer === 'unavailable') return false;
    throw new ToolError('declined', `the person ${DID[answer]} the confirmation; nothing was sent or changed`);
  }
}

/** The page size of a call: `limit` (25 by default), or less where the list bounds it; `cut` says why it is less. */
function pageSize(spec: ListSpec, input: { limit?: number }): { limit: number; cut?: string } {
  const asked = input.limit ?? 25;
  const bound = spec.pageBound?.(input);
  return bound && bound.max < asked ? { limit: bound.max, cut: bound.why } : { limit: asked };
}

/** The date window a list read (RingCentral's default one included); when it held nothing, how to look further. */
function windowFields(window: DateWindow, empty: boolean): JsonObject {
  const { from, to, timeZone, ifEmpty } = window;
  return { window: { from, to, ...(timeZone ? { timeZone } : {}) }, ...(empty && ifEmpty ? { hint: ifEmpty } : {}) };
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
export function describe(preview: JsonObject): string {
  return Object.entries(preview)
    .map(([k, v]) => `${quoted(k).slice(1, -1)}: ${quoted(v)}`)
    .join('\n');
}
