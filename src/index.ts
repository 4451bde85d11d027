/**
 * The library API for agent frameworks: the server factory, and the typed tool registry with a
 * `run` per tool that goes through the same validation, confirmation and shaping as MCP calls.
 *
 *   import { tools } from 'ringcentral-mcp';
 *   const list = tools.find((t) => t.name === 'ringcentral_list_contacts')!;
 *   const result = await list.run({ limit: 5 }, { sandbox: true });
 */
import type { z } from 'zod';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { registry } from '../tools/index.js';
import type { ToolKind, Toolset } from '../tools/contract.js';
import { callTool, type Elicit } from './mcp/call.js';
import { toolListing } from './mcp/listing.js';
import { Runtime, RuntimeCache, type ServerOptions } from './mcp/runtime.js';
import { processGuard } from './membrane/process-guard.js';
import { inputSchema, outputSchema } from './mcp/schemas.js';

export { createServer, INSTRUCTIONS, type CreateServerOptions } from './mcp/server.js';
export { startHttp, type HttpOptions, type HttpHandle } from './mcp/http.js';
export { PROMPTS } from './mcp/prompts.js';
export type { Elicit } from './mcp/call.js';
export { Runtime, RuntimeCache, type ServerOptions } from './mcp/runtime.js';
export { processGuard, ProcessGuard } from './membrane/process-guard.js';
export { ToolError, type ErrorCode } from './errors.js';
export { selectTools, TOOLSETS } from '../tools/index.js';

export interface RunOptions extends ServerOptions {
  /** Reuse one runtime (resolved connection, caches, limits) across calls; made once per options otherwise. */
  runtime?: Runtime;
  signal?: AbortSignal;
  /** Ask the person before irreversible calls; without it the token flow applies (or confirm: 'off'). */
  elicit?: Elicit;
}

export interface ToolRunResult {
  ok: boolean;
  /** The structured result (what MCP sends as structuredContent); on failure `{ error: { code, message, fix? } }`. */
  data: Record<string, unknown>;
  /** The same as compact text, for a model. */
  text: string;
}

export interface LibraryTool {
  name: string;
  title: string;
  description: string;
  kind: ToolKind;
  toolset: Toolset;
  inputSchema: z.ZodObject;
  outputSchema: z.ZodObject;
  /** The JSON Schemas as MCP lists them. */
  jsonSchema: { input: Tool['inputSchema']; output: Tool['outputSchema'] };
  run(input: Record<string, unknown>, options?: RunOptions): Promise<ToolRunResult>;
}

/** One runtime per distinct options, bounded; a dropped one lets go of its store. */
const runtimes = new RuntimeCache(undefined, (runtime) => void runtime.close().catch(() => undefined));

/** The structured result; for an error, `{ error: { code, message, fix?, ... } }` wherever the server put it. */
function dataOf(result: CallToolResult): Record<string, unknown> {
  if (result.structuredContent) return result.structuredContent;
  const meta = (result._meta ?? {}) as Record<string, unknown>;
  const error = meta['ringcentral-mcp/error'] ?? meta.error;
  if (error) return { error };
  if (result.isError)
    return { error: { code: 'error', message: (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n') } };
  return {};
}

function runtimeFor(options: RunOptions): Runtime {
  if (options.runtime) return options.runtime;
  const { runtime: _r, signal: _s, elicit: _e, ...serverOptions } = options;
  return runtimes.get(JSON.stringify(serverOptions), () => new Runtime(serverOptions));
}

export const tools: readonly LibraryTool[] = registry.map((def) => {
  const listing = toolListing(def);
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    kind: def.kind,
    toolset: def.toolset,
    inputSchema: inputSchema(def),
    outputSchema: outputSchema(def),
    jsonSchema: { input: listing.inputSchema, output: listing.outputSchema },
    async run(input, options = {}) {
      // The library is an entry: the CLI groups its calls start outlive no exit or signal death.
      processGuard.install();
      const runtime = runtimeFor(options);
      const active = runtime.options.readOnly && def.kind !== 'read' && def.readOnlyForm ? def.readOnlyForm() : def;
      const result = await callTool(active, input, runtime, { signal: options.signal, elicit: options.elicit });
      const text = (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
      return { ok: !result.isError, data: dataOf(result), text };
    },
  };
});
