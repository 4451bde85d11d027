/**
 * One tool call from raw arguments to MCP result: the input validated once, then an ordered list
 * of steps, each of which may answer the call (read-only gate, cross-field checks, custom tools,
 * lists, plain reads, dry run, duplicate SMS, confirmation, the run itself), then the budget.
 * Every failure becomes an `isError` result with its fix; nothing here throws.
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, JsonObject } from '../../tools/contract.js';
import { ToolError, toToolError } from '../errors.js';
import { fitBudget } from './budget.js';
import { resultField, ToolCall, type CallEnv } from './call.js';
import type { Runtime } from './runtime.js';
import { parseInput } from './schemas.js';

export { describe, type CallEnv, type Elicit } from './call.js';

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
