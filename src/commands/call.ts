/**
 * `ringcentral-mcp call <tool> [json]`: one tool through the same MCP server, in process. In a
 * terminal, confirmations are asked right there (the client side of elicitation); elsewhere the
 * token flow applies, and the token printed is accepted by the next `call` of the same user.
 */
import { createInterface } from 'node:readline/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ServerOptions } from '../mcp/runtime.js';
import { createServer } from '../mcp/server.js';
import { userSecret } from '../safety/secret.js';
import { VERSION } from '../version.js';

export async function callOnce(options: ServerOptions, tool: string, json: string | undefined): Promise<number> {
  let args: unknown = {};
  if (json !== undefined && json.trim() !== '') {
    try {
      args = JSON.parse(json);
    } catch (error) {
      throw new Error(`json-args is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const server = createServer({ ...options, warmup: false, confirmSecret: options.confirmSecret ?? userSecret() });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'ringcentral-mcp-call', version: VERSION }, { capabilities: interactive ? { elicitation: {} } : {} });
  if (interactive)
    client.setRequestHandler(ElicitRequestSchema, async (request) => ({
      action: (await ask(String(request.params.message))) ? 'accept' : 'decline',
      content: {},
    }));
  await client.connect(clientSide);
  try {
    const result = await client.callTool({ name: tool, arguments: args as Record<string, unknown> });
    const text = (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('\n');
    (result.isError ? process.stderr : process.stdout).write(`${text}\n`);
    return result.isError ? 1 : 0;
  } finally {
    await client.close();
    await server.close();
  }
}

async function ask(message: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${message}\nProceed? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
