/**
 * The attacks of the adversarial review (issue 11), each replayed against the built server over
 * stdio with the sandbox CLI: the attack must be refused (or harmless) and nothing may reach the CLI.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { makeSandbox, startServer, type Harness } from '../helpers.js';
import { alive, groupMembers, spawnLog, startRaw, waitFor } from './harness.js';

const BAD_IDS = ['', '.', '..', ' ', '  \t', '%2e%2e', '%20', '1/..', '-1'];

/** The sandbox's spawn log: every CLI run, as argv. */
const runs = (h: Harness, what: RegExp) => h.sandbox.argvs().filter((argv) => what.test(argv.join(' '))).length;

/** An isError result's code: "invalid_input: ..." from the server, or the SDK's schema refusal. */
function refusal(h: Harness, result: { isError?: boolean; content: unknown }): string {
  expect(result.isError).toBe(true);
  return h.text(result as never);
}
const INVALID = /^(invalid_input: |MCP error -32602: Input validation error)/;
const CONTACTS = '/restapi/v1.0/account/~/extension/~/address-book/contact';
/** JSON text of an object `levels` deep, `leaf` at the bottom. */
const deepText = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);

describe('hardening over stdio (token confirmation)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ args: ['--confirm', 'token'] });
  });
  afterAll(async () => {
    await h.close();
  });

  describe('no empty, dot or encoded id reaches the CLI', () => {
    it.each(BAD_IDS)('run_action delete-message {"messageId": %j} is refused before any token', async (messageId) => {
      const before = runs(h, /action run/);
      const result = await h.call('ringcentral_run_action', { action: 'delete-message', input: JSON.stringify({ messageId }) });
      expect(refusal(h, result)).toMatch(INVALID);
      expect(h.text(result)).toContain('input.messageId: must be an id from a list tool');
      expect(h.text(result)).not.toContain('confirmationToken');
      expect(runs(h, /action run/)).toBe(before);
    });

    it('id-like fields anywhere in run_action input follow the rule (nested, arrays, *_id)', async () => {
      for (const [input, at] of [
        ['{"body":{"contactId":".."}}', 'input.body.contactId'],
        ['{"messageIds":["1",""]}', 'input.messageIds'],
        ['{"extension_id":" "}', 'input.extension_id'],
        ['{"chatId":null}', 'input.chatId'],
      ]) {
        const result = await h.call('ringcentral_run_action', { action: 'update-contact', input });
        expect(refusal(h, result)).toMatch(INVALID);
        expect(h.text(result), input).toContain(`${at}: must be an id from a list tool`);
      }
      expect(runs(h, /action run/)).toBe(0);
    });

    it.each(BAD_IDS)('typed tools refuse messageId/contactId/extensionId/meetingId %j', async (id) => {
      const before = runs(h, /action run/);
      for (const [tool, args] of [
        ['ringcentral_delete_message', { messageId: id }],
        ['ringcentral_get_message', { messageId: id }],
        ['ringcentral_delete_contact', { contactId: id }],
        ['ringcentral_get_extension_info', { extensionId: id }],
        ['ringcentral_get_meeting', { meetingId: id }],
      ] as const) {
        expect(refusal(h, await h.call(tool, args)), `${tool} ${JSON.stringify(id)}`).toMatch(INVALID);
      }
      expect(runs(h, /action run/)).toBe(before);
    });

    it.each([
      ['DELETE', '/restapi/v1.0/account/~/extension/~/message-store'],
      ['DELETE', '/restapi/v1.0/account/~/extension/~/message-store/'],
      ['PUT', '/restapi/v1.0/account/~/extension/~/address-book/contact'],
      ['DELETE', '/restapi/v1.0/account/~/extension/~/call-log'],
      ['PATCH', '/team-messaging/v1/chats'],
      ['DELETE', '/team-messaging/v1/teams/'],
      ['DELETE', '/rcvideo/v2/account/~/extension/~/bridges'],
      ['DELETE', '/restapi/v1.0/account/~/extension'],
    ])('api_request %s %s (a whole collection) is refused with a clear error', async (method, path) => {
      const result = await h.call('ringcentral_api_request', { method, path });
      expect(refusal(h, result)).toMatch(/^invalid_input: path: \w+ on the collection "[\w-]+" would change every record in it/);
      expect(runs(h, /^request /)).toBe(0);
    });

    it('api_request path segments: ".", "..", empty, blank and %-encoded are refused', async () => {
      for (const path of [
        '/restapi/v1.0/account/~/extension/~/message-store/..',
        '/restapi/v1.0/account/~/extension/~/message-store/.',
        '/restapi/v1.0/account/~/extension/~/message-store//',
        '/restapi/v1.0/account/~/extension/~/message-store/%2e',
        '/restapi/v1.0/account/~/extension/~/message-store/ ',
      ]) {
        expect(refusal(h, await h.call('ringcentral_api_request', { method: 'DELETE', path })), path).toMatch(INVALID);
      }
      expect(runs(h, /^request /)).toBe(0);
    });

    it.each([
      ['DELETE', '/restapi/v1.0/account/~/extension/~/message-store/*'],
      ['PATCH', '/restapi/v1.0/account/~/extension/~/message-store/*'],
      ['DELETE', '/restapi/v1.0/account/~/extension/~/address-book/contact/*'],
      ['DELETE', '/restapi/v1.0/account/~/extension/~/message-store/,'],
      ['PUT', '/restapi/v1.0/account/~/extension/~/address-book/contact/1,,2'],
      ['DELETE', '/restapi/v1.0/account/~/extension/~/message-store/-'],
    ])('api_request %s %s (a wildcard or an empty id in a list) is refused', async (method, path) => {
      const result = await h.call('ringcentral_api_request', { method, path });
      expect(refusal(h, result)).toMatch(/^invalid_input: path: \w+ needs a record id as the last segment, not "[^"]+" \(a wildcard/);
      expect(h.text(result)).not.toContain('confirmationToken');
      expect(runs(h, /^request /)).toBe(0);
    });

    it('a DELETE of one record, or of a list of ids, still gets its confirmation', async () => {
      for (const ids of ['123', '123,456']) {
        const result = await h.call('ringcentral_api_request', {
          method: 'DELETE',
          path: `/restapi/v1.0/account/~/extension/~/message-store/${ids}`,
        });
        expect(result.structuredContent.status, ids).toBe('confirmation_required');
      }
    });
  });

  describe('bounds before spawning, each naming the field and the limit', () => {
    it('a 300 kB run_action input', async () => {
      const result = await h.call('ringcentral_run_action', {
        action: 'create-contact',
        input: JSON.stringify({ notes: 'x'.repeat(300_000) }),
      });
      expect(refusal(h, result)).toMatch(INVALID);
      expect(h.text(result)).toMatch(/^invalid_input: input: 300012 bytes as JSON, over the limit of 100000\n/);
    });

    it('a 200 kB proxy body', async () => {
      const result = await h.call('ringcentral_api_request', {
        method: 'POST',
        path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
        body: JSON.stringify({ notes: 'x'.repeat(200_000) }),
      });
      expect(refusal(h, result)).toMatch(INVALID);
      expect(h.text(result)).toMatch(/^invalid_input: body: 200012 bytes as JSON, over the limit of 100000\n/);
    });

    it('a 24 kB query (12 values of 2,000 characters, each within its own limit)', async () => {
      const query = Array.from({ length: 12 }, (_, k) => ({ name: `k${k}`, value: 'q'.repeat(2000) }));
      const result = await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~', query });
      expect(refusal(h, result)).toMatch(INVALID);
      expect(h.text(result)).toMatch(/^invalid_input: query: must be at most 16000 bytes in all\n/);
      const many = await h.call('ringcentral_api_request', {
        method: 'GET',
        path: '/restapi/v1.0/account/~',
        query: Array.from({ length: 101 }, () => ({ name: 'k', value: 'q' })),
      });
      expect(refusal(h, many)).toMatch(INVALID);
      expect(h.text(many)).toMatch(/query: Too big: expected array to have <=100 items/);
      expect(runs(h, /^request /)).toBe(0);
    });

    it('a deeply nested body or input is refused by depth, not a stack overflow', async () => {
      for (const n of [40, 1000]) {
        const body = await h.call('ringcentral_api_request', { method: 'POST', path: CONTACTS, body: deepText(n) });
        expect(refusal(h, body), `body ${n} levels`).toMatch(INVALID);
        expect(h.text(body), `body ${n} levels`).toMatch(/^invalid_input: body: nested deeper than the limit of 32 levels\n/);
        const input = await h.call('ringcentral_run_action', { action: 'create-contact', input: deepText(n) });
        expect(refusal(h, input), `input ${n} levels`).toMatch(INVALID);
        expect(h.text(input), `input ${n} levels`).toMatch(/^invalid_input: input: nested deeper than the limit of 32 levels\n/);
      }
      expect(runs(h, /^request /)).toBe(0);
      expect(runs(h, /action run/)).toBe(0);
    });

    // JSON text lets any client send any depth; the bound must name depth, not a parser that ran out of stack.
    it('JSON text 100,000 levels deep is refused by depth, with or without an int64 id in it', async () => {
      for (const leaf of ['1', '8263573593189910683']) {
        const body = await h.call('ringcentral_api_request', { method: 'POST', path: CONTACTS, body: deepText(100_000, leaf) });
        expect(refusal(h, body), `body, leaf ${leaf}`).toMatch(INVALID);
        expect(h.text(body), `body, leaf ${leaf}`).toMatch(/^invalid_input: body: nested deeper than the limit of 32 levels\n/);
        const input = await h.call('ringcentral_run_action', { action: 'create-contact', input: deepText(100_000, leaf) });
        expect(refusal(h, input), `input, leaf ${leaf}`).toMatch(INVALID);
        expect(h.text(input), `input, leaf ${leaf}`).toMatch(/^invalid_input: input: nested deeper than the limit of 32 levels\n/);
      }
      expect(runs(h, /^request /)).toBe(0);
      expect(runs(h, /action run/)).toBe(0);
    });

    it('a 5,000-deep body (sent as raw JSON-RPC: no client can stringify it) is refused as input, not a stack overflow', async () => {
      const server = startRaw();
      try {
        await server.initialize();
        const body = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
        server.writeLine(
          `{"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"ringcentral_api_request","arguments":{"method":"POST","path":"/restapi/v1.0/account/~/extension/~/address-book/contact","body":${body}}}}`,
        );
        const [answer] = await waitFor(() => server.responses(77).length && server.responses(77), 'the answer to the deep call');
        const message = JSON.stringify(answer);
        expect(message).toMatch(
          /Invalid arguments for tool ringcentral_api_request: (arguments contain more than the maximum of 5000 elements|nested deeper than the limit of 32 levels)/,
        );
        expect(message).not.toMatch(/call stack/);
        expect(spawnLog(server.sandbox)).toEqual([]);
      } finally {
        await server.close();
      }
      expect(runs(h, /^request /)).toBe(0);
    });
  });

  // Last among the proxy tests: the others count `request` runs from zero.
  describe('a path cannot fake a rate limit', () => {
    it('GET /rate-limit/retry-after:99999999999 is a RingCentral 404, and the next api_request still reaches the CLI', async () => {
      const fake = await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/rate-limit/retry-after:99999999999' });
      // (Whether or not the 404 echoes the path: the unit tests feed one that does.)
      expect(refusal(h, fake)).toMatch(/^ringcentral_error: RingCentral 404 [A-Z]{2,4}-\d{3}: /);
      expect(h.text(fake)).not.toMatch(/Retry after/);
      const before = runs(h, /^request /);
      const next = await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~' });
      expect(next.isError).toBeUndefined();
      expect(runs(h, /^request /)).toBe(before + 1);
    });
  });

  describe('run_action checks before it asks', () => {
    it('an unknown action is not_found with ringcentral_find_actions as the fix, before any token', async () => {
      const result = await h.call('ringcentral_run_action', { action: 'no-such-action', input: '{}' });
      expect(refusal(h, result)).toBe(
        'not_found: the RingCentral connection has no action "no-such-action"\nFix: find the action id or key with ringcentral_find_actions; nothing was sent',
      );
      expect(runs(h, /action run/)).toBe(0);
    });

    it('input that does not fit the live schema is refused before any token', async () => {
      const result = await h.call('ringcentral_run_action', { action: 'get-message', input: '{"messageId":5}' });
      expect(refusal(h, result)).toMatch(/^invalid_input: input does not match the schema of get-message: input\.messageId: /);
      expect(runs(h, /action run/)).toBe(0);
    });

    it('ids the typed tools know keep their formats: a message id get_message refuses is refused before any token', async () => {
      for (const [action, input, message] of [
        ['get-message', '{"messageId":"abc"}', 'input.messageId: must be a numeric RingCentral id (digits only)'],
        ['delete-contact', '{"contactId":"~"}', 'input.contactId: must be a numeric RingCentral id (digits only)'],
        ['get-extension-info', '{"extensionId":"me"}', 'input.extensionId: must be "~" (you) or a numeric extension id'],
      ]) {
        const result = await h.call('ringcentral_run_action', { action, input });
        // The field is named once: `input.messageId: ...`, not `input: input.messageId: ...`.
        expect(h.text(result), input).toMatch(new RegExp(`^invalid_input: ${message.replace(/[.()~"]/g, '\\$&')}`));
        expect(h.text(result)).not.toContain('confirmationToken');
      }
      expect(runs(h, /action run/)).toBe(0);
    });

    it('a known action with fitting input gets its token', async () => {
      const result = await h.call('ringcentral_run_action', { action: 'get-message', input: '{"messageId":"1","extensionId":"~"}' });
      expect(result.structuredContent.status).toBe('confirmation_required');
    });
  });
});

describe('the read-only proxy', () => {
  it('refuses a GET with a body instead of forwarding it', async () => {
    const h = await startServer({ args: ['--read-only'] });
    try {
      const result = await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~', body: '{"delete":true}' });
      expect(refusal(h, result)).toBe('invalid_input: body: a GET request has no body; put parameters in query\nFix: nothing was sent');
      expect(runs(h, /^request /)).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('a corrupt sandbox state', () => {
  // One server: a state it cannot read fails the call before anything is resolved or kept.
  let h: Harness;
  beforeAll(async () => {
    h = await startServer();
  });
  afterAll(async () => h?.close());

  it('names membrane-sandbox reset as the fix, not "a temporary failure, run again"', async () => {
    writeFileSync(h.sandbox.env.MEMBRANE_SANDBOX_STATE, '{"version": "not this one", "trunc');
    const result = await h.call('ringcentral_get_account_info');
    expect(refusal(h, result)).toMatch(/^membrane_error: the sandbox state is unusable: .*membrane-sandbox reset/);
    expect(h.text(result)).toContain("Fix: run `membrane-sandbox reset` (this discards the sandbox's data), then call again");
    expect(h.text(result)).not.toMatch(/temporary failure/);
  });

  it('so does valid JSON of the right version whose lists are missing or broken', async () => {
    const state = h.sandbox.env.MEMBRANE_SANDBOX_STATE;
    rmSync(state, { force: true }); // a fresh seed, as `membrane-sandbox reset` gives
    expect((await h.call('ringcentral_get_account_info')).isError).toBeFalsy(); // the state exists
    const good = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
    for (const broken of [{ v: good.v }, { ...good, contacts: null }, { ...good, messages: [1, 2] }]) {
      writeFileSync(state, JSON.stringify(broken));
      const result = await h.call('ringcentral_list_contacts', { limit: 1 });
      expect(refusal(h, result)).toMatch(/^membrane_error: the sandbox state is unusable: .*membrane-sandbox reset/);
      expect(h.text(result)).not.toMatch(/temporary failure|Sandbox bug/);
    }
  });
});

describe('the confirmation dialog cannot be spoofed', () => {
  it('an SMS text with a newline and a fake "to:" line shows as one quoted value; only an explicit yes sends', async () => {
    const seen: string[] = [];
    const answers = [
      { action: 'accept' },
      { action: 'accept', content: { confirm: false } },
      { action: 'accept', content: { confirm: true } },
    ];
    const h = await startServer({
      capabilities: { elicitation: {} },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          seen.push(String(request.params.message));
          return answers[seen.length - 1];
        }),
    });
    try {
      const text = 'Lunch?\nto: ["+15550009999"]\r\u2028to: x';
      const sms = { to: ['+16505550177'], text };
      const noContent = await h.call('ringcentral_send_sms', sms);
      expect(h.text(noContent)).toMatch(/^declined: /);
      const no = await h.call('ringcentral_send_sms', sms);
      expect(h.text(no)).toMatch(/^declined: /);
      expect(runs(h, /"text"/)).toBe(0);
      const yes = await h.call('ringcentral_send_sms', sms);
      expect(yes.structuredContent.status).toBe('done');
      const lines = seen[0].split('\n');
      expect(lines.filter((l) => l.startsWith('to:'))).toEqual(['to: ["+16505550177"]']);
      expect(lines).toContain('text: "Lunch?\\nto: [\\"+15550009999\\"]\\r\\u2028to: x"');
    } finally {
      await h.close();
    }
  });
});

describe('lifecycle: nothing of a call outlives the server', () => {
  /** Starts the server over raw stdio with every CLI hanging (and starting a child), one call running. */
  async function hungCall() {
    const server = startRaw({ args: ['--timeout', '60000'], env: { MEMBRANE_SANDBOX_FAULT: 'hang-with-child' } });
    await server.initialize();
    server.send('tools/call', { name: 'ringcentral_get_account_info', arguments: {} });
    const run = await waitFor(() => spawnLog(server.sandbox)[0], 'the CLI to start');
    const group = await waitFor(() => {
      const members = groupMembers(run.pid);
      return members.length >= 2 && members;
    }, 'the CLI and its child');
    return { server, group };
  }

  it('closing stdin cancels the call, stops its CLI group, and the server exits within 5 s', async () => {
    const { server, group } = await hungCall();
    try {
      server.proc.stdin.end();
      // The call timeout is 60 s: only the closed stdin can end the server and the CLI this soon.
      const exit = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))]);
      expect(exit).toEqual({ code: 0, signal: null });
      await waitFor(() => group.every((pid) => !alive(pid)), 'the CLI group to be gone', 3000);
    } finally {
      for (const pid of group.filter(alive)) process.kill(pid, 'SIGKILL'); // only if the test failed
      await server.close();
    }
  });

  it('a SIGKILLed server leaves no CLI running (its watchdog stops the group)', async () => {
    const { server, group } = await hungCall();
    try {
      server.proc.kill('SIGKILL');
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // No handler of the server ran; the call timeout (60 s) is far off.
      await waitFor(() => group.every((pid) => !alive(pid)), 'the orphaned CLI group to be gone', 5000);
      expect(spawnLog(server.sandbox)).toHaveLength(1);
    } finally {
      for (const pid of group.filter(alive)) process.kill(pid, 'SIGKILL'); // only if the test failed
      await server.close();
    }
  });
});

/**
 * The lowest open-files limit that leaves `free` descriptor numbers unused below it: a new
 * descriptor takes the lowest free number, and only numbers under the limit can be taken.
 */
function limitLeaving(pid: number, free: number): number {
  const open = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let limit = 0;
  for (let left = free; left > 0 || open.has(limit); limit++) if (!open.has(limit)) left--;
  return limit;
}

describe.runIf(process.platform === 'linux')('out of file descriptors', () => {
  it('a send whose CLI cannot start (EMFILE) fails alone with its reason, is not left pending, and the server goes on', async () => {
    const server = startRaw({ args: ['--confirm', 'off'] });
    const call = async (name: string, args: Record<string, unknown>) =>
      (await server.request('tools/call', { name, arguments: args })).result as { isError?: boolean; content: Array<{ text: string }> };
    try {
      await server.initialize();
      // Warm: the CLI module, the connection, the actions and the SMS senders are loaded and cached.
      expect((await call('ringcentral_send_sms', { to: ['+16505550177'], text: 'warm-up' })).isError).toBeFalsy();
      const pid = server.proc.pid!;
      const before = server.sandbox.spawns();
      const soft = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--output=SOFT', '--noheadings'], {
        encoding: 'utf8',
      }).trim();
      // Room for the state files (one descriptor at a time), none for the CLI's output pipes.
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limitLeaving(pid, 2)}:`]);
      const refused = await call('ringcentral_send_sms', { to: ['+16505550177'], text: 'out of descriptors' });
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toMatch(/^membrane_error: the system could not start the Membrane CLI .*: EMFILE/);
      expect(refused.content[0].text).toContain('Fix: this process has too many open files');
      expect(server.sandbox.spawns()).toBe(before);
      // It definitely did not run: the identical send goes out now, once.
      const retry = await call('ringcentral_send_sms', { to: ['+16505550177'], text: 'out of descriptors' });
      expect(retry.isError).toBeFalsy();
      expect(JSON.parse(retry.content[0].text).status).toBe('done');
      expect(server.sandbox.spawns()).toBe(before + 1);
    } finally {
      await server.close();
    }
  });
});

describe('one caller cancelling a shared look-up', () => {
  it("does not cancel another caller's call waiting for the same look-up (the SMS senders)", async () => {
    const h = await startServer({ env: { MEMBRANE_SANDBOX_DELAY_MS: '3000' } });
    try {
      // Warm: the connection and the actions are resolved; the SMS senders are not looked up yet.
      expect((await h.call('ringcentral_list_extensions', {})).isError).toBeFalsy();
      h.sandbox.setFault('slow');
      const phoneNumbers = () => h.sandbox.argvs().filter((argv) => argv.join(' ').includes('phone-number')).length;
      const a = new AbortController();
      const sms = (text: string, signal?: AbortSignal) =>
        h.client.callTool({ name: 'ringcentral_send_sms', arguments: { to: ['+16505550177'], text, dryRun: true } }, undefined, {
          signal,
          timeout: 60_000,
        });
      const first = sms('from A', a.signal).catch((error: unknown) => error);
      await waitFor(() => phoneNumbers() === 1, 'the senders look-up to start');
      const second = sms('from B');
      await new Promise((resolve) => setTimeout(resolve, 300)); // B joins the look-up in flight
      a.abort();
      expect(await first).toBeInstanceOf(Error);
      const result = (await second) as { isError?: boolean; structuredContent?: { status?: string } };
      expect(result.isError, h.text(result as never)).toBeFalsy();
      expect(result.structuredContent?.status).toBe('dry_run');
      expect(phoneNumbers()).toBe(1);
    } finally {
      await h.close();
    }
  });
});

// Another local user (uid 65534) made the folder first; only root can make a folder theirs.
describe.runIf(process.getuid?.() === 0)('a planted ringcentral-mcp-<uid> folder', () => {
  it('blocks nothing: the state goes to ~/.cache/ringcentral-mcp, closed to others, and the planted folder is left alone', async () => {
    const sandbox = makeSandbox();
    const home = join(sandbox.dir, 'home');
    const planted = join(sandbox.dir, `ringcentral-mcp-${process.getuid!()}`);
    mkdirSync(planted, { mode: 0o700 });
    chownSync(planted, 65534, 65534);
    const h = await startServer({ sandbox, args: ['--confirm', 'off'], env: { HOME: home } });
    try {
      const sent = await h.call('ringcentral_send_sms', { to: ['+16505550177'], text: 'planted temp folder' });
      expect(sent.isError, h.text(sent)).toBeFalsy();
      const again = await h.call('ringcentral_send_sms', { to: ['+16505550177'], text: 'planted temp folder' });
      expect(again.structuredContent.status).toBe('duplicate');
      expect(readdirSync(planted)).toEqual([]);
      const state = join(home, '.cache', 'ringcentral-mcp', 'state');
      expect(readdirSync(state).length).toBeGreaterThan(0);
      expect(statSync(join(home, '.cache', 'ringcentral-mcp')).mode & 0o777).toBe(0o700);
    } finally {
      await h.close();
      sandbox.cleanup();
    }
  });
});
