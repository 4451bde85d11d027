/**
 * Issue 12, per-user identity over HTTP (`--users`): each bearer token is a person; every CLI run
 * of their request carries only their Membrane tenant (and their pinned connection); confirmation
 * tokens and the SMS window do not cross users; unknown tokens get 401; the file is re-read on
 * change or on request without dropping calls in flight.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { makeSandbox, SANDBOX, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpClient } from '../reach/helpers.js';

const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdef',
  carol: 'carol-token-0123456789abcdef',
  dana: 'dana-token-0123456789abcdef',
};
/** Bob's own connection in his tenant, pinned in the users file. */
let PINNED = '';
const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const entry = (name: keyof typeof TOKENS, extra: Record<string, string> = {}) => ({
  name,
  tokenSha256: sha(TOKENS[name]),
  tenantKey: `tenant-${name}`,
  ...extra,
});
/** Dana is new: the sandbox starts a tenant whose key begins with `new-` without a connection. */
const dana = () => ({ ...entry('dana'), tenantKey: 'new-dana' });

let sandbox: Sandbox;
let usersFile: string;
let server: HttpHandle;
let alice: HttpClient;
let bob: HttpClient;

const writeUsers = (users: unknown[]) => writeFileSync(usersFile, JSON.stringify({ users }));

/** The CLI runs `work` caused, from the sandbox's spawn log. */
async function runsOf(work: () => Promise<unknown>): Promise<string[][]> {
  const before = sandbox.argvs().length;
  await work();
  return sandbox.argvs().slice(before);
}

const tenantsIn = (argvs: string[][]) => [
  ...new Set(argvs.map((argv) => (argv.includes('--tenantKey') ? argv[argv.indexOf('--tenantKey') + 1] : '(none)'))),
];

async function post(token: string | undefined): Promise<number> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  return res.status;
}

beforeAll(async () => {
  sandbox = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '1500' });
  // The server's state files go to this test's folder, not the user's temp dir.
  mkdirSync(join(sandbox.dir, 'tmp'));
  vi.stubEnv('TMPDIR', join(sandbox.dir, 'tmp'));
  usersFile = join(sandbox.dir, 'users.json');
  const listed = execFileSync(process.execPath, [SANDBOX, 'connection', 'list', '--tenantKey', 'tenant-bob', '--json'], {
    env: { ...process.env, ...sandbox.env },
    encoding: 'utf8',
  });
  PINNED = (JSON.parse(listed) as { items: Array<{ id: string }> }).items[0].id;
  writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
  server = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: usersFile, token: undefined });
  [alice, bob] = await Promise.all([connectHttp(server.url, TOKENS.alice), connectHttp(server.url, TOKENS.bob)]);
});

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await server?.close();
  vi.unstubAllEnvs();
  sandbox?.cleanup();
});

describe('each person acts as their own Membrane tenant', () => {
  it("every CLI run of alice's calls carries --tenantKey tenant-alice and nothing of bob's", async () => {
    const runs = await runsOf(() => alice.call('ringcentral_list_contacts', { limit: 2 }));
    expect(runs.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['connection list', 'action list', 'action run']);
    expect(tenantsIn(runs)).toEqual(['tenant-alice']);
  });

  it("bob's pinned connection is used as is (no connection list), with his tenant", async () => {
    const runs = await runsOf(() => bob.call('ringcentral_list_contacts', { limit: 2 }));
    expect(runs.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['action list', 'action run']);
    expect(tenantsIn(runs)).toEqual(['tenant-bob']);
    for (const argv of runs) expect(argv[argv.indexOf('--connectionId') + 1]).toBe(PINNED);
  });

  it('a confirmation token issued to alice is refused for bob, and still works for alice', async () => {
    const created = await alice.call('ringcentral_create_contact', { firstName: 'Owned', lastName: 'ByAlice' });
    const contactId = String(created.structuredContent.result.id);
    const preview = await alice.call('ringcentral_delete_contact', { contactId });
    const confirmationToken = preview.structuredContent.confirmationToken as string;
    const stolen = await bob.call('ringcentral_delete_contact', { contactId, confirmationToken });
    expect(textOf(stolen)).toBe(
      'confirmation_invalid: confirmationToken does not match these arguments (they changed since the preview, or it is from another tool, user or server); nothing was done; call again without confirmationToken to get a fresh preview and token',
    );
    const runs = await runsOf(() => alice.call('ringcentral_delete_contact', { contactId, confirmationToken }));
    expect(tenantsIn(runs)).toEqual(['tenant-alice']);
  });

  it("the SMS duplicate window is per person: bob's identical SMS is his own send, not alice's duplicate", async () => {
    const sms = { to: ['+16505550141'], text: 'Same words, two people' };
    const aPreview = await alice.call('ringcentral_send_sms', sms);
    const aSent = await alice.call('ringcentral_send_sms', { ...sms, confirmationToken: aPreview.structuredContent.confirmationToken });
    expect(aSent.structuredContent.status).toBe('done');
    const bPreview = await bob.call('ringcentral_send_sms', sms);
    expect(bPreview.structuredContent.status).toBe('confirmation_required');
    const again = await alice.call('ringcentral_send_sms', sms);
    expect(again.structuredContent.status).toBe('duplicate');
  });

  it('a person whose tenant has no RingCentral connection is told the command and handed the link to open', async () => {
    const client = await connectHttp(server.url, TOKENS.dana);
    try {
      const first = await client.call('ringcentral_list_contacts', { limit: 1 });
      expect(first.isError).toBe(true);
      expect(textOf(first)).toBe(
        'no_connection: your Membrane tenant "new-dana" has no RingCentral connection yet\n' +
          'Fix: open https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-dana to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana\n' +
          '{"upstreamCode":"CLIENT_ACTION_REQUIRED"}',
      );
      // Dana's runs carried her tenant only: list, then ensure (which gave the link).
      expect(tenantsIn(sandbox.argvs().slice(-2))).toEqual(['new-dana']);
      expect(
        sandbox
          .argvs()
          .slice(-2)
          .map((argv) => argv.slice(0, 2).join(' ')),
      ).toEqual(['connection list', 'connection ensure']);
    } finally {
      await client.close();
    }
  });

  it('ringcentral_status for a person runs as their tenant and hands over their link and command', async () => {
    const client = await connectHttp(server.url, TOKENS.dana);
    try {
      const runs = await runsOf(() => client.call('ringcentral_status'));
      // `--version` asks the CLI itself, not a tenant.
      expect(tenantsIn(runs.filter((argv) => argv[0] !== '--version'))).toEqual(['new-dana']);
      const status = await client.call('ringcentral_status');
      expect(status.structuredContent.problems).toEqual([
        {
          problem: 'no_connection: your Membrane tenant "new-dana" has no RingCentral connection yet',
          fix: 'open https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-dana to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana',
        },
      ]);
    } finally {
      await client.close();
    }
  });

  it('a person pinned to a connection their tenant does not have is told the commands for their own tenant', async () => {
    writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana(), entry('carol', { connectionId: PINNED })]);
    server.reloadUsers();
    const client = await connectHttp(server.url, TOKENS.carol);
    try {
      const fix = `Fix: membrane connection ensure "https://ringcentral.com" --tenantKey tenant-carol; if you pinned an id, check it with membrane connection list --tenantKey tenant-carol --json`;
      const call = await client.call('ringcentral_get_account_info');
      expect(textOf(call).split('\n')[1]).toBe(fix);
      const status = await client.call('ringcentral_status');
      expect(status.structuredContent.problems[0].fix).toBe(fix.slice('Fix: '.length));
    } finally {
      await client.close();
      writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
      server.reloadUsers();
    }
  });

  it('an unknown or missing token gets 401', async () => {
    expect(await post(TOKENS.alice)).toBe(200);
    expect(await post(TOKENS.carol)).toBe(401);
    expect(await post(undefined)).toBe(401);
    expect(await post(sha(TOKENS.alice))).toBe(401); // the stored hash is not a token
  });
});

describe('the users file is re-read', () => {
  it('a change is picked up by itself: a new user can call, a removed one gets 401', async () => {
    writeUsers([entry('alice'), entry('carol')]);
    await expect.poll(() => post(TOKENS.carol), { timeout: 10_000, interval: 200 }).toBe(200);
    expect(await post(TOKENS.bob)).toBe(401);
    writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
    server.reloadUsers();
    expect(await post(TOKENS.bob)).toBe(200);
    expect(await post(TOKENS.carol)).toBe(401);
  });

  it('a broken file keeps the users already loaded', async () => {
    writeFileSync(usersFile, '{"users": [ {"name": "alice"');
    server.reloadUsers();
    expect(await post(TOKENS.alice)).toBe(200);
    writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
    server.reloadUsers();
  });

  it('a call in flight when its user is removed finishes as that user', async () => {
    sandbox.setFault('slow');
    try {
      const pending = bob.call('ringcentral_get_account_info');
      await new Promise((r) => setTimeout(r, 500));
      writeUsers([entry('alice')]);
      server.reloadUsers();
      const result = await pending;
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(await post(TOKENS.bob)).toBe(401);
    } finally {
      sandbox.setFault('');
      writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
      server.reloadUsers();
    }
  });
});

describe('start-up checks', () => {
  it('refuses a users file together with RINGCENTRAL_MCP_HTTP_TOKEN, and a malformed entry, naming the field', async () => {
    await expect(
      startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: usersFile, token: 'x'.repeat(20) }),
    ).rejects.toThrow(
      'give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user',
    );
    const bad = join(sandbox.dir, 'bad-users.json');
    writeFileSync(bad, JSON.stringify({ users: [{ name: 'eve', tokenSha256: 'abc', tenantKey: 'eve' }] }));
    await expect(startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: bad })).rejects.toThrow(
      `users file ${bad}, users[0].tokenSha256 must be the hex SHA-256 of the bearer token (64 hex digits): printf %s "$TOKEN" | sha256sum, got "abc"`,
    );
    writeFileSync(bad, JSON.stringify({ users: [{ name: 'eve', tokenSha256: sha('e'), tenantKey: '--json' }] }));
    await expect(startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: bad })).rejects.toThrow(
      /users\[0\]\.tenantKey must be a Membrane tenant key/,
    );
  });

  it('serves off loopback with a users file and no single token (RINGCENTRAL_MCP_USERS)', async () => {
    const child = await spawnHttp(['--sandbox', '--no-warmup', '--host', '0.0.0.0'], {
      ...sandbox.env,
      RINGCENTRAL_MCP_USERS: usersFile,
      RINGCENTRAL_MCP_HTTP_TOKEN: '',
    });
    try {
      const url = child.url.replace('0.0.0.0', '127.0.0.1');
      const health = (await (await fetch(url.replace(/\/mcp$/, '/healthz'))).json()) as { users?: number };
      expect(health.users).toBe(3);
    } finally {
      await child.stop();
    }
  });
});
