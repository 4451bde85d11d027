/**
 * The MCP Inspector CLI (@modelcontextprotocol/inspector, pinned in inspector/package.json and
 * installed there by `npm run test:inspector`, since it declares Node 22.19+; .ci/run installs it
 * and sets RINGCENTRAL_MCP_REQUIRE_INSPECTOR=1) against the built server over stdio on a sandbox
 * of its own. Not installed, these tests skip and test/skipped.ts says how to run them.
 * Every Inspector call starts a new server process, so the token flow across two calls works
 * only because both get the same RINGCENTRAL_MCP_CONFIRM_SECRET (through -e).
 * Exit codes: 0 ok, 5 the tool returned isError, 6 schema portability errors with --strict.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tools } from '../../dist/src/index.js';
import { makeSandbox } from '../helpers.js';
import { CLI, ROOT, run } from './helpers.js';

const INSPECTOR = join(ROOT, 'inspector/node_modules/.bin/mcp-inspector');
if (!existsSync(INSPECTOR) && process.env.RINGCENTRAL_MCP_REQUIRE_INSPECTOR === '1')
  throw new Error(`${INSPECTOR} is missing and RINGCENTRAL_MCP_REQUIRE_INSPECTOR=1: npm ci --prefix inspector`);
const describeWithInspector = describe.skipIf(!existsSync(INSPECTOR));

const sandbox = makeSandbox();
const SECRET = 'inspector-shared-secret';
afterAll(() => sandbox.cleanup());

/** `mcp-inspector --cli node dist/src/cli.js --sandbox [serverArgs] -e ... <inspectorArgs>` */
async function inspect(inspectorArgs: string[], serverArgs: string[] = [], env: Record<string, string> = {}) {
  const e = Object.entries({ ...sandbox.env, ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const result = await run(INSPECTOR, ['--cli', process.execPath, CLI, '--sandbox', '--no-warmup', ...serverArgs, ...e, ...inspectorArgs], {
    timeoutMs: 30_000,
    // Keep the Inspector's own files out of the home directory.
    env: {
      ...process.env,
      MCP_CATALOG_PATH: join(sandbox.dir, 'inspector-catalog.json'),
      MCP_CLIENT_CONFIG_PATH: join(sandbox.dir, 'inspector-client.json'),
    },
  });
  return { ...result, json: () => JSON.parse(result.stdout) };
}

const callTool = (name: string, args: Record<string, unknown>, serverArgs: string[] = [], env: Record<string, string> = {}) =>
  inspect(
    ['--method', 'tools/call', '--tool-name', name, '--tool-args-json', JSON.stringify(args), '--format', 'json', '-q'],
    serverArgs,
    env,
  );

describeWithInspector('MCP Inspector 2.12.0 CLI over stdio', () => {
  it('tools/list --strict: every tool, no portability error (exit 0)', async () => {
    const result = await inspect(['--method', 'tools/list', '--strict']);
    expect(result.code, result.stderr).toBe(0);
    const listed = result.json().tools as Array<{ name: string; inputSchema: unknown; annotations?: unknown }>;
    expect(listed.map((t) => t.name).sort()).toEqual(tools.map((t) => t.name).sort());
    for (const t of listed) expect(t.annotations, t.name).toBeDefined();
  });

  it('tools/call of a read tool', async () => {
    const result = await callTool('ringcentral_list_contacts', { limit: 2 });
    expect(result.code, result.stderr).toBe(0);
    const { structuredContent, content } = result.json().result;
    expect(structuredContent.records).toHaveLength(2);
    expect(structuredContent.nextCursor).toBeTypeOf('string');
    expect(JSON.parse(content[0].text)).toEqual(structuredContent);
  });

  it('a write confirmed with the token flow across two Inspector runs (two server processes)', async () => {
    const sms = { to: ['+16505550199'], text: 'Confirmed through the Inspector' };
    const env = { RINGCENTRAL_MCP_CONFIRM_SECRET: SECRET };
    const first = await callTool('ringcentral_send_sms', sms, [], env);
    expect(first.code, first.stderr).toBe(0);
    const pending = first.json().result.structuredContent;
    expect(pending).toMatchObject({ status: 'confirmation_required', preview: { to: sms.to, text: sms.text } });
    const second = await callTool('ringcentral_send_sms', { ...sms, confirmationToken: pending.confirmationToken }, [], env);
    expect(second.code, second.stderr).toBe(0);
    const done = second.json().result.structuredContent;
    expect(done.status).toBe('done');
    // A third process sees the message in the shared sandbox state.
    const read = await callTool('ringcentral_get_message', { messageId: String(done.result.id) });
    expect(read.code, read.stderr).toBe(0);
    expect(read.json().result.structuredContent.record).toMatchObject({ id: done.result.id, direction: 'Outbound' });
  });

  it('a write with the server started --confirm off (unattended pipelines)', async () => {
    const created = await callTool('ringcentral_create_contact', { firstName: 'Inspector', lastName: 'Probe' });
    expect(created.code, created.stderr).toBe(0);
    const contactId = String(created.json().result.structuredContent.result.id);
    const deleted = await callTool('ringcentral_delete_contact', { contactId }, ['--confirm', 'off']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.json().result.structuredContent.status).toBe('done');
  });

  it('a tool error is reported as such (exit 5), not as a client-side schema failure', async () => {
    const result = await callTool('ringcentral_get_contact', { contactId: '999999999' });
    expect(result.stderr).not.toMatch(/must have required property/);
    expect(result.code, result.stderr).toBe(5);
  });

  it('prompts/list and prompts/get', async () => {
    const list = await inspect(['--method', 'prompts/list', '--format', 'json', '-q']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json().result.prompts.map((p: { name: string }) => p.name)).toContain('daily_digest');
    const get = await inspect([
      '--method',
      'prompts/get',
      '--prompt-name',
      'follow_up_missed_call',
      '--prompt-args',
      'phoneNumber=+16505550123',
      '--format',
      'json',
      '-q',
    ]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.json().result.messages[0].content.text).toContain('ringcentral_send_sms');
  });
});
