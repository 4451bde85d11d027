/**
 * stdout belongs to the protocol: whatever the CLI prints (banners, HTML, 16 MB, half a document
 * before dying, only stderr) and whatever the client sends (garbage lines, unknown methods and
 * tools, a cancel), every line the server writes is one valid JSON-RPC 2.0 message, every request
 * gets exactly one answer (a cancelled one none), and the server exits 0 when stdin closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alive, errorCode, jsonRpcProblem, spawnLog, startRaw, waitFor, type RawServer } from './harness.js';

let raw: RawServer | undefined;
afterEach(async () => {
  await raw?.close();
  raw = undefined;
});

const call = (server: RawServer, name: string, args: Record<string, unknown> = {}) =>
  server.request('tools/call', { name, arguments: args });
const codeOf = (answer: any): string | undefined => (answer.result ? errorCode(answer.result) : undefined);

function expectOk(answer: any, what: string): void {
  expect(answer.error, what).toBeUndefined();
  expect(answer.result.isError, `${what}: ${answer.result.content?.[0]?.text}`).toBeFalsy();
  expect(answer.result.structuredContent, what).toBeDefined();
}

describe('stdout carries only JSON-RPC', () => {
  it('every stdout line is a JSON-RPC 2.0 message through faults, garbage input and a cancel', async () => {
    raw = startRaw({ args: ['--timeout', '20000'] });
    const server = raw;
    const init = await server.initialize();
    expect(init.result.serverInfo.name).toBe('ringcentral-mcp');
    const tools = await server.request('tools/list');
    expect(tools.result.tools.length).toBeGreaterThan(10);

    expectOk(await call(server, 'ringcentral_get_account_info'), 'cold call');

    // Faults that pollute or cut the CLI's output, three different calls at once for each.
    const expected: Record<string, string | undefined> = {
      banner: undefined,
      garbage: 'unparseable_output',
      huge: 'output_too_large',
      crash: 'cli_crashed',
      'stderr-only': 'membrane_error',
    };
    for (const [fault, code] of Object.entries(expected)) {
      server.sandbox.setFault(fault);
      const answers = await Promise.all([
        call(server, 'ringcentral_get_account_info'),
        call(server, 'ringcentral_list_messages', { limit: 5, view: 'full' }),
        call(server, 'ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension' }),
      ]);
      for (const answer of answers) {
        if (code === undefined) expectOk(answer, fault);
        else expect(codeOf(answer), `${fault}: ${answer.result?.content?.[0]?.text}`).toBe(code);
      }
    }
    server.sandbox.setFault('');

    // ringcentral_status runs `membrane --version` and `membrane status`, which print plain text.
    const status = await call(server, 'ringcentral_status');
    expect(status.result.structuredContent.ready).toBe(true);

    // Whatever the client sends, the answers stay on protocol.
    server.writeLine('this is not json');
    server.writeLine('{"jsonrpc":"2.0","id":');
    server.writeLine('[]');
    const unknownMethod = await server.request('no/such/method');
    expect(unknownMethod.error.code).toBe(-32601);
    const unknownTool = await call(server, 'no_such_tool');
    expect(unknownTool.result?.isError ?? unknownTool.error).toBeTruthy();
    const invalid = await call(server, 'ringcentral_get_contact', { contactId: '--help\r\nX: y' });
    expect(invalid.result.isError).toBe(true);
    expect(invalid.result.content[0].text).toContain('contactId');
    expect((await server.request('ping')).result).toEqual({});
    expect((await server.request('prompts/list')).result.prompts).toBeInstanceOf(Array);
    expect((await server.request('logging/setLevel', { level: 'debug' })).result).toEqual({});

    // A running call cancelled with notifications/cancelled: the CLI is stopped and no answer comes.
    server.sandbox.setFault('hang');
    const before = spawnLog(server.sandbox).length;
    const hung = server.send('tools/call', { name: 'ringcentral_list_contacts', arguments: { limit: 3 } });
    const run = await waitFor(() => spawnLog(server.sandbox)[before], 'the hung CLI to start');
    server.notify('notifications/cancelled', { requestId: hung.id, reason: 'the person gave up' });
    await waitFor(() => !alive(run.pid), 'the cancelled CLI to be stopped');
    server.sandbox.setFault('');
    expectOk(await call(server, 'ringcentral_list_contacts', { limit: 3 }), 'after the cancel');
    expect(server.responses(hung.id)).toEqual([]);

    server.proc.stdin.end();
    expect(await server.exited).toEqual({ code: 0, signal: null });

    expect(server.lines.length).toBeGreaterThan(25);
    const problems = server.lines.map((line, index) => [index, jsonRpcProblem(line)]).filter(([, problem]) => problem);
    expect(problems).toEqual([]);
    // Every request was answered exactly once (ids are unique per request).
    const ids = server.lines
      .map((line) => JSON.parse(line))
      .filter((m) => 'id' in m && !('method' in m))
      .map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // The SDK's stdio transport closes on a message over 10 MB; the stdin guard refuses it first.
  it('an oversized message (11 MB) is refused and the session goes on', async () => {
    raw = startRaw();
    const server = raw;
    await server.initialize();
    const big = server.send('tools/call', {
      name: 'ringcentral_send_sms',
      arguments: { to: ['+16505550142'], text: 'x'.repeat(11 * 1024 * 1024) },
    });
    const answer = await big.answer;
    expect(answer.error.code).toBe(-32600);
    expect((await server.request('ping')).result).toEqual({});
    expect(server.lines.every((line) => jsonRpcProblem(line) === undefined)).toBe(true);
  });
});
