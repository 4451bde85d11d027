/**
 * Attacks from the adversarial review (issue 11), each reproduced at the unit level: rate limits
 * faked by echoed text, unbounded retry-after, a corrupt sandbox state, a spoofed confirmation line.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { membraneError } from '../../src/membrane/classify.js';
import { parseCliResult } from '../../src/membrane/output.js';
import { CliRunner, type CliResult } from '../../src/membrane/runner.js';
import type { ToolError } from '../../src/errors.js';
import { describe as describe_ } from '../../src/mcp/call.js';
import { Runtime } from '../../src/mcp/runtime.js';
import { userSecret } from '../../src/safety/secret.js';
import { FileStore } from '../../src/state/file.js';
import { formatStatus } from '../../src/commands/status.js';
import { checkStatus } from '../../src/membrane/status.js';
import { guardStdin } from '../../src/mcp/stdin-guard.js';
import { depthOf, jsonProblem } from '../../src/safety/bounds.js';
import { idProblems } from '../../tools/fields.js';
import { caught } from './caught.js';

const cli = (partial: Partial<CliResult>): CliResult => ({
  argv: ['membrane', 'request'],
  stdout: '',
  stderr: '',
  exitCode: 1,
  ...partial,
});

describe('rate limits come only from structured data', () => {
  const path = '/restapi/v1.0/rate-limit/retry-after:99999999999';
  const notFound = {
    errorCode: 'CMN-102',
    message: `Resource for parameter [path] is not found: GET ${path} (429, rate limit exceeded, Retry-After: 5)`,
    errors: [{ errorCode: 'CMN-102', message: `Resource for parameter [path] is not found: GET ${path}`, parameterName: 'path' }],
  };

  it('a 404 whose message echoes "rate-limit", "429" and "retry-after:N" is a RingCentral 404', () => {
    const error = caught(() =>
      parseCliResult(cli({ stdout: JSON.stringify(notFound), stderr: `HTTP 404 CMN-102: ${notFound.message}\n` }), {
        expect: 'json-or-empty',
      }),
    );
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toBe(`RingCentral 404 CMN-102: Resource for parameter [path] is not found: GET ${path} (parameter: path)`);
    expect(error.details.retryAfterSeconds).toBeUndefined();
  });

  it('plain text that mentions 429 or a rate limit is not a rate limit', () => {
    for (const text of [
      'Error: 429 rate limit exceeded, retry-after: 999',
      'rate limit exceeded for /restapi/x',
      'Request failed: rate exceeded',
    ]) {
      expect(membraneError(undefined, text).code).toBe('membrane_error');
    }
    expect(membraneError({ type: 'bad_request', key: 'invalid', message: 'rate limit 429 retry-after: 999' }, '').code).toBe(
      'membrane_error',
    );
  });

  it('status 429, a rate-limit code in an error field, or the Membrane key are rate limits', () => {
    expect(membraneError({ type: 'x', key: 'rate_limit_exceeded', message: 'm' }, '').code).toBe('rate_limited');
    for (const code of ['CMN-301', 'CMN-302', 'CMN-304', 'CMN-310', 'MSG-305']) {
      const body = { errorCode: code, message: 'Request rate exceeded', errors: [{ errorCode: code, message: 'Request rate exceeded' }] };
      expect(caught(() => parseCliResult(cli({ stdout: JSON.stringify(body) }), { expect: 'json-or-empty' })).code).toBe('rate_limited');
    }
    const error = caught(() =>
      parseCliResult(cli({ stdout: '{"message":"x","errors":[]}', stderr: 'HTTP 429 error: x (Retry-After: 7)\n' }), {
        expect: 'json-or-empty',
      }),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(7);
  });

  it('retry-after comes from a header or field and is capped at 3600 s', () => {
    const huge = membraneError(
      {
        type: 'x',
        key: 'rate_limit_exceeded',
        message: 'm',
        data: { response: { status: 429, headers: { 'Retry-After': '99999999999' } } },
      },
      '',
    );
    expect(huge.details.retryAfterSeconds).toBe(3600);
    const field = membraneError({ type: 'x', key: 'rate_limit_exceeded', message: 'm', data: { retryAfter: 12 } }, '');
    expect(field.details.retryAfterSeconds).toBe(12);
    const fromLine = caught(() =>
      parseCliResult(
        cli({
          stdout: '{"message":"x","errors":[{"errorCode":"CMN-301","message":"m"}]}',
          stderr: 'HTTP 429 CMN-301: m (Retry-After: 99999999999)\n',
        }),
        { expect: 'json-or-empty' },
      ),
    );
    expect(fromLine.details.retryAfterSeconds).toBe(3600);
    // Text in the message never sets it: the default applies.
    const echoed = membraneError({ type: 'x', key: 'rate_limit_exceeded', message: 'retry-after: 500' }, 'Retry-After: 500');
    expect(echoed.details.retryAfterSeconds).toBe(60);
  });
});

describe('sandbox state and unknown actions are named, not "a temporary failure"', () => {
  it('state_corrupt names membrane-sandbox reset', () => {
    const error = membraneError(
      {
        type: 'internal',
        key: 'state_corrupt',
        message: 'Sandbox state file /x is unreadable or from another version; run: membrane-sandbox reset',
      },
      '',
    );
    expect(error.code).toBe('membrane_error');
    expect(error.details.fix).toBe("run `membrane-sandbox reset` (this discards the sandbox's data), then call again");
  });

  it('an unknown action is not_found with ringcentral_find_actions as the fix, not no_connection', () => {
    const error = membraneError({ type: 'bad_request', key: 'not_found', message: "Action 'nope' not found for connection con_1" }, '');
    expect(error.code).toBe('not_found');
    expect(error.details.fix).toBe('find the action id or key with ringcentral_find_actions');
    expect(membraneError({ type: 'bad_request', key: 'not_found', message: 'Connection con_1 not found' }, '').code).toBe('no_connection');
  });
});

describe('spawn failures say what happened; the command line is bounded', () => {
  const runner = (env?: Record<string, string>) =>
    new CliRunner({
      command: { file: process.execPath, prefix: ['-e', 'process.stdout.write("{}")'] },
      timeoutMs: 10_000,
      maxConcurrency: 1,
      maxOutputBytes: 1e6,
      env,
    });

  it('E2BIG (an environment value over the per-string limit) is not "CLI missing" with an install fix', async () => {
    const error = await runner({ HUGE: 'x'.repeat(200_000) })
      .run([])
      .then(
        () => undefined,
        (e: unknown) => e as ToolError,
      );
    expect(error?.code).toBe('membrane_error');
    expect(error?.message).toBe(`the system could not start the Membrane CLI "${process.execPath}": E2BIG`);
    expect(error?.details.fix).toBe('the command line was too long: send smaller input');
  });

  it('a missing executable is still cli_missing', async () => {
    const missing = new CliRunner({
      command: { file: '/nonexistent/membrane', prefix: [] },
      timeoutMs: 10_000,
      maxConcurrency: 1,
      maxOutputBytes: 1e6,
    });
    const error = await missing.run(['--version']).then(
      () => undefined,
      (e: unknown) => e as ToolError,
    );
    expect(error?.code).toBe('cli_missing');
  });

  it('an argument over 128 KiB or a command line over 1 MiB is invalid_input before spawning', async () => {
    const r = runner();
    const one = await r.run(['x'.repeat(140_000)]).then(
      () => undefined,
      (e: unknown) => e as ToolError,
    );
    expect(one?.code).toBe('invalid_input');
    expect(one?.message).toBe('argv: one argument is 140000 bytes, over the limit of 131071; nothing was run');
    const many = await r.run(Array.from({ length: 12 }, () => 'y'.repeat(100_000))).then(
      () => undefined,
      (e: unknown) => e as ToolError,
    );
    expect(many?.message).toMatch(/^argv: the command line is \d+ bytes, over the limit of 1048576; nothing was run$/);
    expect(r.spawned).toBe(0);
  });
});

describe('confirmation lines', () => {
  it('every value is quoted on its own line: newlines, controls and line separators are escaped', () => {
    const text = describe_({ action: 'send SMS', text: 'hi\nto: ["+15550009999"]\u2028\u202eX\u0007', to: ['+16505550177'] });
    expect(text.split('\n')).toEqual([
      'action: "send SMS"',
      'text: "hi\\nto: [\\"+15550009999\\"]\\u2028\\u202eX\\u0007"',
      'to: ["+16505550177"]',
    ]);
  });
});

describe('an oversized stdin line is answered with its id even when "id" follows "params"', () => {
  async function refusedIds(line: string, chunk = 97): Promise<Array<string | number | null>> {
    const input = new PassThrough();
    const ids: Array<string | number | null> = [];
    const guarded = guardStdin(input, (message) => ids.push(message.id), 200);
    guarded.resume();
    const ended = new Promise((resolve) => guarded.on('end', resolve));
    for (let i = 0; i < line.length; i += chunk) input.write(line.slice(i, i + chunk));
    input.end();
    await ended;
    return ids;
  }
  const filler = 'z'.repeat(3000);

  it('reads the id from the tail, in any chunking', async () => {
    for (const chunk of [1, 97, 5000]) {
      expect(await refusedIds(`{"jsonrpc":"2.0","method":"tools/call","params":{"t":"${filler}"},"id":42}\n`, chunk)).toEqual([42]);
    }
    expect(await refusedIds(`{"method":"tools/call","params":{"t":"${filler}"},"id":"req-9","jsonrpc":"2.0"}\n`)).toEqual(['req-9']);
  });

  it('never takes an id nested in params', async () => {
    expect(await refusedIds(`{"jsonrpc":"2.0","method":"x","params":{"t":"${filler}","id":5}}\n`)).toEqual([null]);
    expect(await refusedIds(`{"jsonrpc":"2.0","method":"x","params":{"t":"${filler}\\"id\\":6}"}}\n`)).toEqual([null]);
  });
});

/** Makes a new temp folder per call; the describe block's folders are removed after it. */
function tempFolders(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

describe('the confirmation-secret folder', () => {
  const fresh = tempFolders('rcmcp-secret-');

  // Made 0700 with a 0600 secret, read back the same: test/unit/private-folders.test.ts 'userSecret'.
  it('is refused when open to others', () => {
    const dir = fresh();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'confirm-secret'), 'planted-by-someone-else');
    expect(() => userSecret(dir)).toThrow(
      `refusing to use ${dir} for the confirmation secret: it is open to other users (mode 755); remove it (rm -r ${dir}) and call again`,
    );
  });

  it('is refused when it is a symlink or owned by another user', () => {
    const target = fresh();
    const link = join(fresh(), 'link');
    symlinkSync(target, link);
    expect(() => userSecret(link)).toThrow(/it is not a directory/);
    const other = fresh();
    const uid = process.getuid!() === 0 ? 65534 : undefined;
    if (uid !== undefined) chownSync(other, uid, uid);
    // Without root, a folder of root's stands in for "another user's".
    expect(() => userSecret(uid !== undefined ? other : '/root')).toThrow(/it belongs to another user \(uid \d+\)/);
  });
});

describe('the state folder (SMS window, used tokens, penalties) is private too', () => {
  const fresh = tempFolders('rcmcp-store-');
  /** A folder of the user's with files they care about (their ~/.ssh, say). */
  const victim = () => {
    const dir = fresh();
    writeFileSync(join(dir, 'authorized_keys'), 'ssh-ed25519 AAAA user@host\n');
    return dir;
  };

  it('a `state` symlink to a private folder of the user is refused, and nothing in that folder is removed', async () => {
    const target = victim();
    const parent = join(fresh(), 'ringcentral-mcp-1');
    mkdirSync(parent, { mode: 0o700 });
    symlinkSync(target, join(parent, 'state'));
    const store = new FileStore(join(parent, 'state'));
    expect(await store.reachable()).toBe(false);
    await expect(store.put('k', 'v', 60_000)).rejects.toThrow(/state is not a directory \(a symlink\?\)/);
    expect(readdirSync(target)).toEqual(['authorized_keys']);
  });

  it('a parent folder open to others (anyone could swap `state` for a symlink later) is refused', async () => {
    const parent = join(fresh(), 'ringcentral-mcp-1');
    mkdirSync(parent, { mode: 0o700 });
    chmodSync(parent, 0o777);
    const store = new FileStore(join(parent, 'state'));
    await expect(store.create('k', 'v', 60_000)).rejects.toThrow(`${parent} is open to other users (mode 777)`);
  });

  it('a parent folder of another user is refused', async () => {
    if (process.getuid!() !== 0) return; // chown needs root; the mode and symlink cases above run everywhere
    const parent = join(fresh(), 'ringcentral-mcp-1');
    mkdirSync(parent, { mode: 0o700 });
    chownSync(parent, 65534, 65534);
    await expect(new FileStore(join(parent, 'state')).get('k')).rejects.toThrow(`${parent} belongs to another user (uid 65534)`);
  });

  it('pruning removes expired records and leftovers of its own, never a file it did not write', async () => {
    const dir = join(fresh(), 'state');
    const store = new FileStore(dir);
    await store.put('gone', 'v', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    writeFileSync(join(dir, 'a'.repeat(40) + '.bak'), 'not a record either');
    // A new store prunes on first use.
    expect(await new FileStore(dir).get('other')).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['a'.repeat(40) + '.bak', 'notes.txt']);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });
});

describe('status tells "found but failing" from "not found"', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const cliScript = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'rcmcp-status-'));
    dirs.push(dir);
    const file = join(dir, 'membrane');
    writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  const status = (file: string, timeoutMs = 1500) => {
    const runtime = new Runtime({ membrane: file, timeoutMs });
    return checkStatus(runtime.membrane, undefined, { timeoutMs });
  };

  it('a crashing --version is found but failing', async () => {
    const report = await status(cliScript('echo "TypeError: cannot read x" >&2; exit 3'));
    expect(report.cli).toMatchObject({ found: true, working: false });
    expect(report.problems[0].problem).toBe(
      'membrane was found but fails: membrane_error: membrane --version failed: TypeError: cannot read x',
    );
    expect(formatStatus(report).split('\n')[0]).toMatch(/^membrane CLI: found but failing \[/);
  });

  it('a --version killed by a signal says so (it printed nothing)', async () => {
    const report = await status(cliScript('kill -SEGV $$'));
    expect(report.cli).toMatchObject({ found: true, working: false });
    expect(report.problems[0].problem).toBe('membrane was found but fails: membrane_error: membrane --version failed: killed by SIGSEGV');
  });

  it('a hanging --version is found but failing (stopped at the timeout)', async () => {
    const report = await status(cliScript('sleep 30'), 800);
    expect(report.cli).toMatchObject({ found: true, working: false });
    expect(report.problems[0].problem).toMatch(/^membrane was found but fails: timeout: /);
  });

  it('a missing CLI is not found', async () => {
    const report = await status('/nonexistent/dir/membrane');
    expect(report.cli).toMatchObject({ found: false });
    expect(report.cli.working).toBeUndefined();
    expect(formatStatus(report).split('\n')[0]).toBe('membrane CLI: not found [/nonexistent/dir/membrane]');
  });

  it('a path that is there but cannot be run (a folder: EACCES) is found but failing, with its own fix', async () => {
    const folder = tmpdir();
    const report = await status(folder);
    expect(report.cli).toMatchObject({ found: true, working: false });
    expect(formatStatus(report).split('\n')[0]).toBe(`membrane CLI: found but failing [${folder}]`);
    expect(report.problems).toEqual([
      {
        problem: `cli_missing: the Membrane CLI could not be started (EACCES: not executable) (tried to run "${folder}")`,
        fix: `point MEMBRANE_CLI (or --membrane) at the membrane executable itself, or make it executable: chmod +x "${folder}"`,
      },
    ]);
  });
});

describe('the id rule for free-form input', () => {
  it('passes ids from list tools, "~" and +E.164 caller ids; names every bad one', () => {
    expect(
      idProblems({
        messageId: '123',
        extensionId: '~',
        callerId: '+16505550100',
        ids: [1, '2'],
        meta: { accountId: 'acc_1:x@y' },
        text: '..',
      }),
    ).toEqual([]);
    const rule = 'must be an id from a list tool (letters, digits, ~ . _ : @ + = -; not empty, ".", "..", blank or %-encoded)';
    const bad = { messageId: '', nested: [{ chatId: '..' }], contact_id: '%2e', deviceIds: ['ok', ' '], id: -1, ownerId: {} };
    expect(idProblems(bad)).toEqual(
      [['messageId'], ['nested', '0', 'chatId'], ['contact_id'], ['deviceIds'], ['id'], ['ownerId']].map((path) => ({
        path,
        message: rule,
      })),
    );
  });

  it('depthOf counts without recursion and stops early', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthOf(deep)).toBe(33);
    expect(depthOf({ a: [{ b: 1 }] })).toBe(3);
    expect(jsonProblem(deep)).toBe('nested deeper than the limit of 32 levels');
  });
});
