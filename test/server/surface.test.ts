/**
 * The public surface: each tool of tools/list is snapshotted (name, schemas, annotations) in a file
 * of its own, kinds and hints agree, the README table and --help are true to the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, snapshotFile, snapshotNames, startServer, type Harness } from '../helpers.js';
import { registry, snapshotOf } from '../registry.js';
import { withToolTable } from '../../src/commands/docs.js';
import { FLAGS } from '../../src/commands/options.js';

let h: Harness;
let tools: Awaited<ReturnType<Harness['client']['listTools']>>['tools'];

beforeAll(async () => {
  h = await startServer();
  tools = (await h.client.listTools()).tools;
});
afterAll(async () => h?.close());

describe('tools/list', () => {
  // One file per tool (__snapshots__/tools/<name>.json), so changing a tool changes its file alone;
  // `npx vitest run test/server/surface.test.ts -u` writes them.
  it('matches the committed snapshot of each tool exactly', async () => {
    for (const tool of tools) await expect(snapshotOf(tool)).toMatchFileSnapshot(snapshotFile(tool.name));
  });

  it('has a snapshot for each tool and none for a tool that is gone (delete its file)', () => {
    expect(snapshotNames()).toEqual(tools.map((t) => t.name).sort());
  });

  it('lists every tool of the registry, in its order', () => {
    expect(tools.map((t) => t.name)).toEqual(registry.map((d) => d.name));
    for (const extra of ['ringcentral_api_request', 'ringcentral_status', 'ringcentral_find_actions', 'ringcentral_run_action'])
      expect(tools.map((t) => t.name)).toContain(extra);
  });

  // Field names that say what they hold (the format, and where an id comes from, are in the
  // field's own error; paging, fields, E.164, ISO 8601 and extensionId's default are said once, in
  // the server instructions): a description there would only repeat them in every conversation.
  const SAYS_WHAT_IT_HOLDS = new Set([
    'view',
    'limit',
    'cursor',
    'fields',
    'confirmationToken',
    'extensionId',
    'extensionNumber',
    'phoneNumber',
    'dateFrom',
    'dateTo',
    'name',
    'description',
    'password',
    'email',
    'firstName',
    'lastName',
    'company',
    'jobTitle',
    'notes',
    'mobilePhone',
    'businessPhone',
    'homePhone',
    'businessAddress',
    'messageId',
    'contactId',
    'meetingId',
    'conversationId',
    'intent',
    'idempotencyKey',
    'action',
    'headers',
    'text',
    'query',
  ]);

  it('every tool has a title, a usable description, schemas with described fields, and open-world hints', () => {
    for (const t of tools) {
      expect(t.name).toMatch(/^[a-z0-9_]{1,64}$/);
      expect(t.title, t.name).toBeTruthy();
      expect(t.description!.length, t.name).toBeGreaterThan(40);
      expect(t.outputSchema, t.name).toBeTruthy();
      expect(t.annotations?.openWorldHint, t.name).toBe(true);
      for (const [field, schema] of Object.entries((t.inputSchema.properties ?? {}) as Record<string, any>)) {
        const self = SAYS_WHAT_IT_HOLDS.has(field) || schema.enum || schema.type === 'boolean' || schema.description;
        expect(self, `${t.name}.${field} needs a description`).toBeTruthy();
      }
    }
  });

  it('deletes, send_sms and update_contact are destructive; lists and gets are read-only; update_message is a write undone as easily', () => {
    for (const t of tools) {
      if (/_(delete|send)_/.test(t.name) || /^ringcentral_(send_sms|update_contact|run_action|api_request)$/.test(t.name)) {
        expect(t.annotations?.destructiveHint, t.name).toBe(true);
        expect(t.annotations?.readOnlyHint, t.name).toBe(false);
      }
      if (/^ringcentral_(list|get|find)_/.test(t.name) || t.name === 'ringcentral_status')
        expect(t.annotations?.readOnlyHint, t.name).toBe(true);
      if (/^ringcentral_(create_|update_message)/.test(t.name))
        expect(t.annotations, t.name).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    }
  });

  it('what the model sees (name, description, input schema) is at most 12,000 characters, measured as npm run bench does', () => {
    const benchView = (t: (typeof tools)[number]) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema });
    const seen = JSON.stringify(tools.map(benchView)).length;
    const picked = JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }))).length;
    expect(picked, `model-visible tools/list: ${picked} chars`).toBe(seen);
    expect(seen, `model-visible tools/list: ${seen} chars`).toBeLessThanOrEqual(12_000);
  });

  it('the server explains how to use the tools together', () => {
    const instructions = h.client.getInstructions() ?? '';
    expect(instructions).toMatch(/E\.164/);
    expect(instructions).toMatch(/confirm/i);
    expect(instructions).toMatch(/nextCursor/);
  });
});

describe('docs are true to the code', () => {
  it('README tool table is generated from the registry (run npm run docs)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withToolTable(readme)).toBe(readme);
  });

  it('README quotes the library example that test/reach runs, verbatim', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'test/reach/library-example.mjs'), 'utf8').trimEnd();
    expect(readme).toContain('```js\n' + example + '\n```');
  });

  it('--help names every flag and its environment variable', () => {
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const [name, flag] of Object.entries(FLAGS)) {
      expect(help).toContain(`--${name}`);
      if ('env' in flag) expect(help).toContain(flag.env);
    }
  });

  it('`tools` shows what a flag set exposes', () => {
    const out = execFileSync(process.execPath, [CLI, 'tools', '--read-only', '--toolsets', 'contacts'], { encoding: 'utf8' });
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['ringcentral_list_contacts', 'ringcentral_get_contact', 'ringcentral_find_people']);
  });
});
