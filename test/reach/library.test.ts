/**
 * The library API, imported by package name (a self-reference through package.json `exports`,
 * resolving to the BUILT dist): the README example runs as written, and the registry carries
 * what an agent framework needs (name, description, zod and JSON Schema, kind, run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rcmcp-library-'));
const state = join(dir, 'state.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sandbox = { sandbox: true, env: { MEMBRANE_SANDBOX_STATE: state } };

describe('import { createServer, tools } from "ringcentral-mcp"', () => {
  it('resolves by name to the built package', async () => {
    const result = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('ringcentral-mcp'))"], {
      cwd: join(ROOT, 'test/reach'),
    });
    expect(result.stdout.trim()).toBe(`file://${join(ROOT, 'dist/src/index.js')}`);
  });

  it('runs test/reach/library-example.mjs (the README example) as written', async () => {
    const result = await run(process.execPath, ['test/reach/library-example.mjs'], {
      env: { ...process.env, MEMBRANE_SANDBOX_STATE: state },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d+ tools, \d+ read-only$/);
    expect(lines[1]).toMatch(/^true \S+/);
    expect(result.stdout).toMatch(/^more: true$/m);
    expect(result.stdout).toMatch(/^confirmation_required /m);
    expect(result.stdout).toMatch(/^done Queued$/m);
    expect(result.stdout).toMatch(/^false \w+$/m);
  });

  it('every tool has a name, description, kind, zod and JSON input schemas, and run', async () => {
    const { tools, createServer } = await import('ringcentral-mcp');
    expect(typeof createServer).toBe('function');
    for (const t of tools) {
      expect(t.name).toMatch(/^ringcentral_[a-z_]+$/);
      expect(t.description.length).toBeGreaterThan(20);
      expect(['read', 'write', 'destructive']).toContain(t.kind);
      expect(typeof t.inputSchema.safeParse).toBe('function');
      expect(t.jsonSchema.input.type).toBe('object');
      expect(t.jsonSchema.output?.type).toBe('object');
      expect(typeof t.run).toBe('function');
    }
  });

  it('run validates input, reports errors as data, and honours readOnly', async () => {
    const { tools } = await import('ringcentral-mcp');
    const byName = (name: string) => tools.find((t) => t.name === name)!;
    const invalid = await byName('ringcentral_send_sms').run({ to: ['555'], text: 'x' }, sandbox);
    expect(invalid.ok).toBe(false);
    expect(invalid.data.error).toMatchObject({ code: 'invalid_input' });
    expect(invalid.text).toMatch(/E\.164/);
    const refused = await byName('ringcentral_delete_contact').run({ contactId: '1' }, { ...sandbox, readOnly: true });
    expect(refused.ok).toBe(false);
    expect(refused.text).toMatch(/read-only/);
    const dry = await byName('ringcentral_send_sms').run({ to: ['+16505550123'], text: 'dry', dryRun: true }, sandbox);
    expect(dry.data.status).toBe('dry_run');
  });

  it('an elicit that fails could not ask: the token flow applies, nothing is sent, nothing blames Membrane', async () => {
    const { tools } = await import('ringcentral-mcp');
    const sms = tools.find((t) => t.name === 'ringcentral_send_sms')!;
    const input = { to: ['+16505550188'], text: 'Asked by a broken dialog' };
    for (const elicit of [
      () => Promise.reject(new Error('no dialog here')),
      () => {
        throw new Error('thrown at once');
      },
    ]) {
      const result = await sms.run(input, { ...sandbox, elicit });
      expect(result.ok, result.text).toBe(true);
      expect(result.data.status).toBe('confirmation_required');
      expect(result.data.confirmationToken).toEqual(expect.any(String));
    }
  });
});
