/**
 * MCP prompts: listed as src/mcp/prompts.ts defines them, each returning a user message that names
 * tools the server exposes, with arguments those tools accept (each read step is run against
 * the sandbox as written); hidden when their tools are not exposed (--read-only hides the SMS
 * follow-up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../dist/src/mcp/prompts.js';
import { tools } from '../../dist/src/index.js';
import { startServer, type Harness } from '../helpers.js';

const PHONE = '+16505550123';
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
let h: Harness;
let readOnly: Harness;

beforeAll(async () => {
  [h, readOnly] = await Promise.all([startServer(), startServer({ args: ['--read-only'] })]);
});
afterAll(async () => {
  await h?.close();
  await readOnly?.close();
});

const textOf = (messages: Array<{ role: string; content: { type: string; text?: string } }>) =>
  messages.map((m) => m.content.text ?? '').join('\n');

/** Steps of the form `N. tool_name with key "value", key ["value"] ...`. */
function steps(text: string): Array<{ tool: string; args: Record<string, unknown>; line: string }> {
  return text
    .split('\n')
    .map((line) => ({ line, m: /^\d+\.\s+.*?(ringcentral_\w+) with (.*)$/.exec(line) }))
    .filter((s) => s.m)
    .map(({ line, m }) => {
      const args: Record<string, unknown> = {};
      const given = m![2].split(';')[0];
      for (const [, key, value] of given.matchAll(/(\w+) "([^"]*)"/g)) args[key] = value;
      for (const [, key, value] of given.matchAll(/(\w+) \["([^"]*)"\]/g)) args[key] = [value];
      return { tool: m![1], args, line };
    });
}

describe('prompts/list', () => {
  it('lists every prompt of src/mcp/prompts.ts with its title, description and arguments', async () => {
    const { prompts } = await h.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(PROMPTS.map((p) => p.name).sort());
    expect(prompts.length).toBeGreaterThanOrEqual(3);
    for (const p of prompts) {
      const def = PROMPTS.find((d) => d.name === p.name)!;
      expect(p.title).toBe(def.title);
      expect(p.description).toBe(def.description);
      expect((p.arguments ?? []).map((a) => a.name).sort()).toEqual(Object.keys(def.args).sort());
    }
    const followUp = prompts.find((p) => p.name === 'follow_up_missed_call')!;
    expect(followUp.arguments?.find((a) => a.name === 'phoneNumber')?.required).toBe(true);
  });

  it('--read-only hides the SMS follow-up and keeps the read-only workflows', async () => {
    const names = (await readOnly.client.listPrompts()).prompts.map((p) => p.name);
    expect(names).not.toContain('follow_up_missed_call');
    expect(names).toEqual(expect.arrayContaining(['daily_digest', 'who_is_this_number']));
  });

  it('a prompt whose tools are filtered out is not offered', async () => {
    const contactsOnly = await startServer({ args: ['--toolsets', 'contacts'] });
    try {
      expect((await contactsOnly.client.listPrompts()).prompts).toEqual([]);
    } finally {
      await contactsOnly.close();
    }
  });
});

describe('prompts/get', () => {
  const exposed = new Set(tools.map((t) => t.name));

  it('daily_digest names the call log and message tools, with and without a start', async () => {
    const plain = textOf((await h.client.getPrompt({ name: 'daily_digest', arguments: {} })).messages);
    expect(plain).toMatch(/ringcentral_get_call_log/);
    expect(plain).toMatch(/ringcentral_list_messages/);
    expect(plain).toMatch(/nextCursor/);
    expect(plain).not.toMatch(/dateFrom/);
    const since = '2025-01-31T00:00:00Z';
    const result = await h.client.getPrompt({ name: 'daily_digest', arguments: { since } });
    expect(result.messages[0].role).toBe('user');
    expect(textOf(result.messages as any)).toContain(`dateFrom "${since}"`);
  });

  it('follow_up_missed_call names the tools, the number, and asks for the confirmation first', async () => {
    const result = await h.client.getPrompt({ name: 'follow_up_missed_call', arguments: { phoneNumber: PHONE, note: 'call you at 3' } });
    const text = textOf(result.messages);
    expect(text).toContain('ringcentral_get_call_log');
    expect(text).toContain('ringcentral_send_sms');
    expect(text).toContain(PHONE);
    expect(text).toContain('call you at 3');
    expect(text).toMatch(/confirmationToken/);
    expect(text).toMatch(/wait for my yes/);
  });

  it('find_meeting: the day as both ends of list_meetings, the name as its filter; a day that is not a date is refused', async () => {
    const text = textOf((await h.client.getPrompt({ name: 'find_meeting', arguments: { day: '2026-01-15', name: 'sync' } })).messages);
    expect(text).toContain('1. ringcentral_list_meetings with dateFrom "2026-01-15", dateTo "2026-01-15", name "sync"');
    expect(text).toContain('ringcentral_get_meeting');
    expect(textOf((await h.client.getPrompt({ name: 'find_meeting', arguments: {} })).messages)).toContain(
      '1. ringcentral_list_meetings; ',
    );
    await expect(h.client.getPrompt({ name: 'find_meeting', arguments: { day: 'yesterday' } })).rejects.toThrow(/2026-01-31/);
  });

  it('rejects a phone number that is not E.164', async () => {
    await expect(h.client.getPrompt({ name: 'follow_up_missed_call', arguments: { phoneNumber: '650-555-0123' } })).rejects.toThrow(
      /E\.164/,
    );
  });

  it('every tool a prompt names exists, and every argument it gives is in that tool’s input schema', async () => {
    for (const def of PROMPTS) {
      const args = Object.fromEntries(
        Object.keys(def.args).map((k) => [
          k,
          k === 'phoneNumber' ? PHONE : k === 'since' ? '2025-01-31T00:00:00Z' : k === 'day' ? YESTERDAY : 'x',
        ]),
      );
      const text = textOf((await h.client.getPrompt({ name: def.name, arguments: args })).messages);
      const named = [...text.matchAll(/ringcentral_\w+/g)].map((m) => m[0]);
      expect(named.length, def.name).toBeGreaterThan(0);
      for (const tool of named) expect(exposed.has(tool), `${def.name} names ${tool}`).toBe(true);
      for (const tool of def.needs) expect(text, def.name).toContain(tool);
      for (const step of steps(text)) {
        const schema = tools.find((t) => t.name === step.tool)!.jsonSchema.input as { properties: Record<string, unknown> };
        for (const key of Object.keys(step.args)) expect(Object.keys(schema.properties), `${def.name}: ${step.line}`).toContain(key);
      }
    }
  });

  it('the read steps run as written against the sandbox', async () => {
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    for (const def of PROMPTS) {
      const args = Object.fromEntries(
        Object.keys(def.args).map((k) => [k, k === 'phoneNumber' ? PHONE : k === 'since' ? monthAgo : k === 'day' ? YESTERDAY : 'x']),
      );
      const text = textOf((await h.client.getPrompt({ name: def.name, arguments: args })).messages);
      for (const step of steps(text)) {
        const tool = tools.find((t) => t.name === step.tool)!;
        if (tool.kind !== 'read') continue;
        const callArgs = { ...step.args, ...(/dateFrom/.test(step.line) && !step.args.dateFrom ? { dateFrom: monthAgo } : {}) };
        const result = await h.call(step.tool, callArgs);
        expect(result.isError, `${def.name}: ${step.line}\n${h.text(result)}`).toBeFalsy();
      }
    }
  });
});
