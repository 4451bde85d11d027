/**
 * createServer(options): the MCP server every entry point uses (stdio, HTTP, `call`, tests).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { selectTools } from '../../tools/index.js';
import type { AnyTool } from '../../tools/contract.js';
import { callTool, type Elicit } from './call.js';
import { Runtime, type ServerOptions } from './runtime.js';
import { annotations, outputSchema } from './schemas.js';
import { VERSION } from '../version.js';
import { registerPrompts } from './prompts.js';
import { toolListing } from './listing.js';
import { ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

export const INSTRUCTIONS = `RingCentral through the Membrane CLI.
- Phone numbers are E.164 (+16505550123); send_sms also takes numbers as people write them, and names. find_people finds colleagues and contacts. Dates are ISO 8601. Message and call-log lists default to the last 24 h: pass dateFrom for older.
- Ids come from the list tools (list_extensions, list_messages, list_contacts, list_chats, get_call_log, list_meetings); pass them as given, number or string; never guess one. extensionId defaults to ~ (you).
- Lists are compact and paged: pass nextCursor back as cursor; view "full", or fields (extra field paths), for more.
- send_sms, chat posts, teams with members, delete_*, update_contact, non-GET api_request and run_action cannot be undone: show the person exactly what will happen and get their yes. When a result says confirmation_required, show its preview and call again with confirmationToken only after they agree.
- On errors, read the Fix line; ringcentral_status diagnoses setup.`;

export interface CreateServerOptions extends ServerOptions {
  /** Share caches and limits across servers (stateless HTTP builds one server per request). */
  runtime?: Runtime;
  /** Ask the person through the client (elicitation) when it can; off for stateless HTTP. */
  allowElicitation?: boolean;
}

export function createServer(options: CreateServerOptions = {}): McpServer {
  const runtime = options.runtime ?? new Runtime(options);
  const server = new McpServer(
    { name: 'ringcentral-mcp', version: VERSION, title: 'RingCentral' },
    {
      instructions: INSTRUCTIONS,
      capabilities: { tools: {}, logging: {}, prompts: {} },
      maxToolInputElements: runtime.options.maxToolInputElements,
    },
  );
  const tools = selectTools({ readOnly: runtime.options.readOnly, toolsets: runtime.options.toolsets, tools: runtime.options.tools });
  const ask = options.allowElicitation === false ? undefined : elicitation(server);
  for (const def of tools) register(server, def, runtime, ask);
  // Ours rather than the SDK's: input schemas in the form every caller accepts (see listing.ts).
  const listing = tools.map(toolListing);
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  registerPrompts(server, new Set(tools.map((t) => t.name)));
  if (runtime.options.warmup) server.server.oninitialized = () => runtime.warmUp();
  return server;
}

const ANY_ARGUMENTS = z.looseObject({});

/**
 * How long a confirmation dialog may stay unanswered: under the 60 s many clients give a whole tool
 * call, so the caller still hears back in time. No answer by then is no: nothing is sent, and the
 * next call asks again. RINGCENTRAL_MCP_ELICIT_TIMEOUT_MS sets it (milliseconds).
 */
export const ELICIT_TIMEOUT_MS = 45_000;

function elicitTimeoutMs(): number {
  const set = Number(process.env.RINGCENTRAL_MCP_ELICIT_TIMEOUT_MS);
  return Number.isInteger(set) && set > 0 ? set : ELICIT_TIMEOUT_MS;
}

/**
 * Asks the person through the client, per server (one client). A client that advertises
 * elicitation but cannot show the dialog (no handler, any error) gets the token flow, now and for
 * the rest of its session; a dialog nobody answers in time is a no. Only an explicit `confirm: true` is a yes.
 */
function elicitation(server: McpServer): (message: string, signal: AbortSignal) => ReturnType<Elicit> {
  let failed = false;
  return async (message, signal) => {
    if (failed) return 'unavailable';
    try {
      const answer = await server.server.elicitInput(
        {
          message,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Do it', description: 'Yes, go ahead' } },
            required: ['confirm'],
          },
        },
        { signal, timeout: elicitTimeoutMs() },
      );
      if (answer.action !== 'accept') return answer.action;
      return answer.content?.confirm === true ? 'accept' : 'decline';
    } catch (error) {
      if (signal.aborted) throw error;
      // The person answered, but not with the form asked for (`confirm` missing or not a boolean,
      // as when a box is left unticked): that is no yes, and no reason to stop asking them.
      if (
        error instanceof McpError &&
        error.code === ErrorCode.InvalidParams &&
        /Elicitation response content does not match/.test(error.message)
      )
        return 'decline';
      // The dialog was shown and nobody answered: no answer is no, never a token.
      if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) return 'unanswered';
      failed = true;
      process.stderr.write(
        `ringcentral-mcp: the client advertises elicitation but did not answer (${error instanceof Error ? error.message : String(error)}); confirming with tokens for this session\n`,
      );
      return 'unavailable';
    }
  };
}

function register(server: McpServer, def: AnyTool, runtime: Runtime, ask: ReturnType<typeof elicitation> | undefined): void {
  server.registerTool(
    def.name,
    // Arguments pass the SDK as they are and are validated once, by callTool: it reads null as
    // absent and names the field and the fix (tools/list is ours, from the full schema).
    {
      title: def.title,
      description: def.description,
      inputSchema: ANY_ARGUMENTS,
      outputSchema: outputSchema(def),
      annotations: { title: def.title, ...annotations(def) },
    },
    async (args, extra) => {
      const elicit: Elicit | undefined =
        ask && server.server.getClientCapabilities()?.elicitation ? (message) => ask(message, extra.signal) : undefined;
      const stopProgress = reportProgress(extra, runtime.options.progressIntervalMs);
      try {
        return await callTool(def, args, runtime, { signal: extra.signal, elicit });
      } finally {
        stopProgress();
      }
    },
  );
}

type Extra = {
  _meta?: { progressToken?: string | number };
  sendNotification: (n: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; message?: string };
  }) => Promise<void>;
};

/** Progress every few seconds while a call runs, when the client asked for it. */
function reportProgress(extra: Extra, intervalMs: number): () => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  const started = Date.now();
  let progress = 0;
  const timer = setInterval(() => {
    progress++;
    const seconds = Math.round((Date.now() - started) / 1000);
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, message: `waiting for membrane (${seconds} s)` },
      })
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
